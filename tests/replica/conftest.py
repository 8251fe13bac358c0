"""Replica tests: a real streaming replica of the test database (`.ci/replica-up` makes one on port 5433).

Run them with the primary and the replica both named, e.g.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/medtek_x \\
    DATABASE_REPLICA_URLS=postgres://postgres@127.0.0.1:5433/medtek_x \\
    MEDTEK_REPLICA_TESTS=required .venv/bin/pytest -n 0 tests/replica

The test runner creates test_medtek_x on the primary; the replica receives it by streaming replication (its
alias is a test mirror of `default`, so nothing is created there). Without a replica the tests that need
one are skipped, except with MEDTEK_REPLICA_TESTS=required (CI), where a missing replica is a failure.
Tests that pause the replica's replay always resume it.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import Client

from medtek.core.db import routing

SKIP_REASON = "no replica configured (DATABASE_REPLICA_URLS): replica tests skipped"
REPLICA = "replica1"


def replica_tests_required() -> bool:
    return os.environ.get("MEDTEK_REPLICA_TESTS", "").strip().lower() == "required"


def _lsn(alias: str, sql: str) -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        value = cursor.fetchone()[0]
    return 0 if value is None else routing.parse_lsn(value)


def wait_for_replica(*, replayed: bool = True, timeout: float = 120.0) -> None:
    """Until the replica has received (and, by default, replayed) everything the primary has written."""
    target = routing.primary_wal_lsn()
    sql = "SELECT pg_last_wal_replay_lsn()::text" if replayed else "SELECT pg_last_wal_receive_lsn()::text"
    deadline = time.monotonic() + timeout
    while _lsn(REPLICA, sql) < target:
        if time.monotonic() > deadline:
            pytest.fail(f"the replica did not reach the primary's WAL position in {timeout:.0f} s")
        time.sleep(0.02)
    forget_replica_checks()


def forget_replica_checks() -> None:
    """The next routing decision asks the replica again instead of using a check a few ms old."""
    routing._down_until.clear()
    for alias in routing.replica_aliases():
        connections[alias].__dict__.pop("_medtek_replica_status", None)


def pause_replay() -> None:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    forget_replica_checks()


def resume_replay() -> None:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    forget_replica_checks()


@pytest.fixture
def replica(transactional_db: Any, event_log_flushable: Any) -> Iterator[str]:
    """The streaming replica, caught up with the test database; replay is resumed afterwards."""
    if REPLICA not in routing.replica_aliases():
        if replica_tests_required():
            pytest.fail("MEDTEK_REPLICA_TESTS=required, but DATABASE_REPLICA_URLS names no replica")
        pytest.skip(SKIP_REASON)
    resume_replay()
    wait_for_replica()
    try:
        yield REPLICA
    finally:
        resume_replay()
        routing.end()


def token_for(username: str) -> str:
    out = io.StringIO()
    call_command("token", "create", username, stdout=out)
    return out.getvalue().strip()


def api_client(username: str) -> Client:
    """A script's client: a bearer token, English errors, and (Django's test client) a cookie jar.

    It has made one request already: a token's first use writes its last-use time (a write, so that
    request reads from the primary), as it does again only every few minutes.
    """
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(username)}", HTTP_ACCEPT_LANGUAGE="en")
    assert client.get("/api/v1/devices?limit=1").status_code == 200
    return client
