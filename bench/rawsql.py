"""The raw SQL behind a figure, timed in the same run: ratios travel between machines, milliseconds don't.

A figure's statements are captured from the app itself (Django's query log of one request, or of one
service call) and sent again on the database connection's own DB-API cursor — no ORM, no HTTP, no view —
so `app time / raw SQL time` is what the app adds to the database's work.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def capture(fn: Callable[[], Any]) -> tuple[Any, list[str], float]:
    """Call `fn`; return its result, the SQL it sent (parameters inlined, as the server received them)
    and its seconds."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - started
    return result, [q["sql"] for q in ctx.captured_queries if _is_statement(q["sql"])], seconds


def _is_statement(sql: str) -> bool:
    # Transactions and savepoints are bookkeeping (SQLite's BEGIN is logged, its COMMIT is not); `replay`
    # sends the statements in a transaction of its own.
    return (
        not sql.lstrip()
        .upper()
        .startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN"))
    )


def _run(cursor: Any, sql: str) -> None:
    cursor.execute(sql)
    if cursor.description is not None:
        cursor.fetchall()


def request_sql(path: str, headers: dict[str, str]) -> list[str]:
    """The statements one GET of `path` sends, warm (token and scope already known to the process), read
    from the app in this process through Django's test client."""
    from django.test import Client

    extra: dict[str, Any] = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
    client = Client(**extra)
    first = client.get(path)
    if first.status_code != 200:
        raise RuntimeError(f"GET {path} answered {first.status_code} in the bench process")
    response, queries, _s = capture(lambda: client.get(path))
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code} in the bench process")
    return queries


def time_requests_sql(sequences: list[list[str]], *, repeats: int = 200) -> dict[str, Any]:
    """p50 of sending each request's statements in turn (cycling over `sequences`, as the latency figure
    cycles over its paths), and p50 of its largest statement alone (the page's query)."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    totals: list[float] = []
    largest: list[float] = []
    cur = raw.cursor()  # (sqlite3's cursor is no context manager)
    try:
        for seq in sequences:  # warm-up
            for sql in seq:
                _run(cur, sql)
        for i in range(repeats):
            seq = sequences[i % len(sequences)]
            each = []
            for sql in seq:
                t = time.perf_counter()
                _run(cur, sql)
                each.append(time.perf_counter() - t)
            totals.append(sum(each) * 1000)
            largest.append(max(each, default=0.0) * 1000)
        if not getattr(raw, "autocommit", True):
            raw.rollback()
    finally:
        cur.close()
    return {
        "all_p50_ms": round(statistics.median(totals), 3),
        "page_p50_ms": round(statistics.median(largest), 3),
        "statements": round(statistics.mean(len(s) for s in sequences), 1),
    }


def replay(statements: list[str]) -> float:
    """Seconds to send `statements` again in one transaction, rolled back after the deferred constraints
    were checked (as the app's commit checks them); nothing stays written."""
    from django.db import connection, transaction

    with transaction.atomic():
        cur = connection.cursor().cursor
        started = time.perf_counter()
        for sql in statements:
            _run(cur, sql)
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def ratio(app: float | None, raw: float | None) -> float | None:
    if not app or not raw:
        return None
    return round(app / raw, 2)


def show(value: float | None, suffix: str = "×") -> str:
    return "-" if value is None else f"{value}{suffix}"
