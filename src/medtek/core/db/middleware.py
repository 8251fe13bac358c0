"""Each request's database routing, read-your-writes across requests, and the request and query metrics."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.core import signing
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse

from medtek.core.db import metrics, routing

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# The primary's WAL position after a client's last write, signed: a cookie for browsers and clients that
# keep cookies, the same value in a response header for scripts, which send it back in a request header.
COOKIE = "medtek_wal"
HEADER = "Medtek-Wal-Position"
SIGNING_SALT = "medtek.core.db.wal-position"
# Statements that neither read nor change rows, run by Django inside transactions.
NEUTRAL = ("SAVEPOINT", "RELEASE", "ROLLBACK", "SET ", "SHOW ")


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SIGNING_SALT)


def sign_position(lsn: int) -> str:
    return _signer().sign(routing.format_lsn(lsn))


def client_position(request: HttpRequest) -> int:
    """The WAL position of the client's last write, if it sent one still young enough to matter."""
    value = request.headers.get(HEADER) or request.COOKIES.get(COOKIE)
    if not value:
        return 0
    try:
        text = _signer().unsign(value, max_age=routing.options()["READ_YOUR_WRITES_SECONDS"])
        return routing.parse_lsn(text)
    except (signing.BadSignature, ValueError):
        return 0


def _route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.route if match is not None and match.route else "unmatched"


class DatabaseRoutingMiddleware:
    """Outermost middleware: routing state for the request, timing of the request and of its queries.

    A request that wrote leaves the primary's WAL position with the client (cookie and header); the
    client's next requests read from a replica only once it has replayed that far. The routing state
    lives until the response is closed, so a streamed export still reads where its request decided.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.replicas = routing.replica_aliases()
        self.aliases = [DEFAULT_DB_ALIAS, *self.replicas]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        state = routing.Routing(pinned=request.method not in SAFE_METHODS)
        if self.replicas:
            state.required_lsn = client_position(request)
        routing.begin(state)
        with ExitStack() as stack:
            for alias in self.aliases:
                stack.enter_context(connections[alias].execute_wrapper(QueryObserver(alias, state)))
            response = self.get_response(request)
        if self.replicas and state.wrote:
            self._remember_write(request, response)
        if not response.streaming:
            routing.end()
        metrics.REQUEST_SECONDS.labels(_route_of(request), request.method or "").observe(
            time.perf_counter() - started
        )
        return response

    def _remember_write(self, request: HttpRequest, response: HttpResponse) -> None:
        try:
            lsn = routing.primary_wal_lsn()
        except DatabaseError:
            return  # the primary stopped answering after the write: there is no position to give
        value = sign_position(lsn)
        response[HEADER] = value
        response.set_cookie(
            COOKIE,
            value,
            max_age=int(routing.options()["READ_YOUR_WRITES_SECONDS"]),
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )


class QueryObserver:
    """An execute wrapper: times each statement per alias and notes a write on the primary."""

    def __init__(self, alias: str, state: routing.Routing) -> None:
        self.alias = alias
        self.state = state
        self.histogram = metrics.QUERY_SECONDS.labels(alias)
        self.reads = metrics.READS.labels(alias)

    def __call__(self, execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: Any) -> Any:
        head = sql.lstrip()[:9].upper() if isinstance(sql, str) else ""
        if sql is routing.STATUS_SQL:
            pass  # routing's own check of a replica, not a read of the request
        elif head.startswith("SELECT"):
            self.reads.inc()
        elif self.alias == DEFAULT_DB_ALIAS and not head.startswith(NEUTRAL):
            self.state.note_write()
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.histogram.observe(time.perf_counter() - started)


def _end_routing(**kwargs: Any) -> None:
    routing.end()


request_finished.connect(_end_routing, dispatch_uid="medtek.core.db.end_routing")
