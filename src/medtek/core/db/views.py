"""What a load balancer and Prometheus ask an app server: /healthz, /readyz and /metrics."""

from __future__ import annotations

import ipaddress
import os
import secrets

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from medtek.core.db import routing


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up and answers; touches no database (a load balancer's liveness check)."""
    return JsonResponse({"status": "ok"})


def _primary_answers() -> bool:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        routing.close_quietly(connection)
        return False
    return True


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """Ready for traffic: the primary answers (else 503); each replica's state and lag, for the operator.

    A replica that does not answer does not make the server unready: its reads go to the primary.
    """
    primary = _primary_answers()
    databases: dict[str, dict[str, object]] = {DEFAULT_DB_ALIAS: {"ok": primary}}
    for alias in routing.replica_aliases():
        databases[alias] = routing.replica_status(alias, fresh=True).as_dict()
    body = {"status": "ready" if primary else "unavailable", "databases": databases}
    return JsonResponse(body, status=200 if primary else 503)


def metrics_allowed(request: HttpRequest) -> bool:
    """From an address in MEDTEK_METRICS_ALLOW (default: the loopback), or with MEDTEK_METRICS_TOKEN."""
    opts = routing.options()
    token = opts["METRICS_TOKEN"]
    if token:
        sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if sent and secrets.compare_digest(sent, token):
            return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in opts["METRICS_ALLOW"])


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics (text format); 404 to anyone not allowed, as if there were none."""
    if not metrics_allowed(request):
        raise Http404
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

    for alias in routing.replica_aliases():
        routing.replica_status(alias)  # the lag gauge as of now, even when no request read lately
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
