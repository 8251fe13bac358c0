"""gunicorn's settings, the same for production, `make demo` and the bench (`gunicorn -c
python:medtek.config.gunicorn medtek.config.wsgi`); the command line's flags override them.

Threaded workers (gthread) keep a client's HTTP connection open between its requests (`keepalive`
seconds), so a script or the proxy in front does not pay a new connection per request, and each thread
keeps its own database connection (CONN_MAX_AGE with CONN_HEALTH_CHECKS, settings/base.py). Count
`workers × threads` connections per app server against PostgreSQL's `max_connections`, or PgBouncer's
`max_client_conn` behind a pooler in transaction mode (docs/deployment.md).
"""

import os

worker_class = "gthread"
workers = int(os.environ.get("MEDTEK_WORKERS", "2"))
threads = int(os.environ.get("MEDTEK_THREADS", "4"))
keepalive = int(os.environ.get("MEDTEK_KEEPALIVE_S", "5"))
graceful_timeout = 5
