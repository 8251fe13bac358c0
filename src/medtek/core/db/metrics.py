"""The Prometheus metrics of an app server (served at /metrics by `medtek.core.db.views.metrics`).

Under gunicorn each worker keeps its own values; set PROMETHEUS_MULTIPROC_DIR to an empty directory
(one per app server, emptied at start) so /metrics adds up every worker's (prometheus-client's
multiprocess mode).
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUEST_SECONDS = Histogram(
    "medtek_http_request_duration_seconds",
    "Time from the first middleware to the response, per route (the URL pattern) and method.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
QUERY_SECONDS = Histogram(
    "medtek_db_query_duration_seconds",
    "Time of each SQL statement a request ran, per database alias (default is the primary).",
    ["alias"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0, 5.0),
)
READS = Counter(
    "medtek_db_reads_total",
    "SELECT statements run by requests, per database alias: where the reads were routed.",
    ["alias"],
)
REPLICA_SKIPPED = Counter(
    "medtek_db_replica_skipped_total",
    "Requests whose reads went to the primary instead of this replica, and why "
    "(lagging, unreachable, not_standby, behind_client_write).",
    ["alias", "reason"],
)
REPLICA_LAG = Gauge(
    "medtek_db_replica_lag_seconds",
    "Replay lag of each replica at its last check (0 when it has replayed all it received).",
    ["alias"],
    multiprocess_mode="mostrecent",
)
