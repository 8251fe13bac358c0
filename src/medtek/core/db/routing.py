"""Where a read goes: a replica that is healthy and has replayed the client's own writes, else the primary.

A request's reads may go to a replica (`DATABASE_REPLICA_URLS`) unless one of these sends them to the
primary (`default`):

- the request is a write (an unsafe method), or has already written: its reads must see its writes;
- the read is inside a transaction on the primary (an atomic block), or is a `select_for_update`
  (Django asks the router for a write database then);
- the client wrote recently and no replica has replayed the primary's WAL up to the position remembered
  after that write (`middleware`: a signed cookie or header);
- every replica lags more than `MEDTEK_REPLICA_MAX_LAG_SECONDS`, does not answer or is not a standby.

Outside a request (commands, the worker, the shell) every read goes to the primary: jobs write and read
in turn and must never read stale rows. `replica_reads()` opens the same routing for code that wants it.
"""

from __future__ import annotations

import contextvars
import itertools
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from medtek.core.db import metrics

# Who the client is comes from the primary: a login, a logout, a new or revoked token count at once.
# (A script's token lookup reads users, so it is one of these reads.) What it reads may come from a replica.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth"})

STATUS_SQL = """
SELECT pg_is_in_recovery(),
       pg_last_wal_replay_lsn()::text,
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
                 AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE pid IS NOT NULL)
            THEN 0.0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9)::float8
       END
"""


def parse_lsn(text: str) -> int:
    """PostgreSQL's `16/B374D848` as a number that orders like the WAL."""
    high, _slash, low = text.partition("/")
    if not low:
        raise ValueError(f"not a WAL position: {text!r}")
    return (int(high, 16) << 32) | int(low, 16)


def format_lsn(value: int) -> str:
    return f"{value >> 32:X}/{value & 0xFFFFFFFF:X}"


def options() -> dict[str, Any]:
    return settings.MEDTEK_DB


def replica_aliases() -> list[str]:
    return list(options()["REPLICAS"])


@dataclass(frozen=True)
class ReplicaStatus:
    """What one check of a replica found."""

    alias: str
    ok: bool
    reason: str = ""  # why it may not be read: unreachable, not_standby
    replay_lsn: int = 0
    lag_seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": self.ok}
        if self.ok:
            out.update(replay_lsn=format_lsn(self.replay_lsn), lag_seconds=round(self.lag_seconds, 3))
        else:
            out["reason"] = self.reason
        return out


# A replica that did not answer is not asked again in this process for RETRY_SECONDS.
_down_until: dict[str, float] = {}


def replica_status(alias: str, *, fresh: bool = False) -> ReplicaStatus:
    """The replica's replayed WAL position and lag, checked at most every CHECK_INTERVAL_MS per connection.

    One short query on the replica's own (persistent) connection; a replica that fails it is closed and
    left alone for RETRY_SECONDS, so a dead replica costs one failed connection attempt per process and
    interval, not one per request.
    """
    opts = options()
    now = time.monotonic()
    connection = connections[alias]
    cached: tuple[float, ReplicaStatus] | None = getattr(connection, "_medtek_replica_status", None)
    if not fresh and cached is not None and now - cached[0] < opts["CHECK_INTERVAL_MS"] / 1000:
        return cached[1]
    if not fresh and _down_until.get(alias, 0.0) > now:
        return ReplicaStatus(alias, ok=False, reason="unreachable")
    row = _ask_status(connection)
    if row is None:
        _down_until[alias] = now + opts["RETRY_SECONDS"]
        close_quietly(connection)
        status = ReplicaStatus(alias, ok=False, reason="unreachable")
    else:
        _down_until.pop(alias, None)
        in_recovery, replay, lag = row
        if not in_recovery or replay is None:
            status = ReplicaStatus(alias, ok=False, reason="not_standby")
        else:
            status = ReplicaStatus(alias, ok=True, replay_lsn=parse_lsn(replay), lag_seconds=float(lag))
            metrics.REPLICA_LAG.labels(alias).set(status.lag_seconds)
    connection._medtek_replica_status = (time.monotonic(), status)  # type: ignore[attr-defined]
    return status


def _ask_status(connection: Any) -> tuple[bool, str | None, float] | None:
    """The replica's answer to STATUS_SQL, or None when it does not answer (never the primary's)."""
    falls_back = getattr(connection, "falls_back", False)
    connection.falls_back = False
    try:
        with connection.cursor() as cursor:
            cursor.execute(STATUS_SQL)
            return cursor.fetchone()
    except DatabaseError:
        return None
    finally:
        connection.falls_back = falls_back


def is_down(alias: str) -> bool:
    return _down_until.get(alias, 0.0) > time.monotonic()


def mark_down(alias: str) -> None:
    """A replica failed under a read: leave it alone for RETRY_SECONDS; this request reads the primary."""
    _down_until[alias] = time.monotonic() + options()["RETRY_SECONDS"]
    connection = connections[alias]
    connection.__dict__.pop("_medtek_replica_status", None)
    close_quietly(connection)
    metrics.REPLICA_SKIPPED.labels(alias, "unreachable").inc()
    state = _current.get()
    if state is not None and state.alias == alias:
        state.alias = DEFAULT_DB_ALIAS


def close_quietly(connection: Any) -> None:
    """Drop a connection that failed, so the next use opens a new one."""
    with suppress(DatabaseError):
        connection.close()


_rotation = itertools.count()


def choose_replica(required_lsn: int = 0) -> str:
    """A replica fit to read from (taking turns among several), else the primary."""
    aliases = replica_aliases()
    if not aliases:
        return DEFAULT_DB_ALIAS
    max_lag = options()["MAX_LAG_SECONDS"]
    start = next(_rotation) % len(aliases)
    for alias in aliases[start:] + aliases[:start]:
        status = replica_status(alias)
        if not status.ok:
            reason = status.reason
        elif status.lag_seconds > max_lag:
            reason = "lagging"
        elif status.replay_lsn < required_lsn:
            reason = "behind_client_write"
        else:
            return alias
        metrics.REPLICA_SKIPPED.labels(alias, reason).inc()
    return DEFAULT_DB_ALIAS


@dataclass
class Routing:
    """One request's routing: whether it is held on the primary, and the replica it reads from."""

    pinned: bool = False  # reads go to the primary for the rest of the request
    required_lsn: int = 0  # the client's last write; a replica must have replayed it
    wrote: bool = False  # this request wrote to the primary
    alias: str | None = None  # chosen at the first read that may go to a replica

    def read_alias(self) -> str:
        if self.pinned:
            return DEFAULT_DB_ALIAS
        if self.alias is None:
            self.alias = choose_replica(self.required_lsn)
        return self.alias

    def note_write(self) -> None:
        self.wrote = True
        self.pinned = True


_current: contextvars.ContextVar[Routing | None] = contextvars.ContextVar("medtek_db_routing", default=None)


def current() -> Routing | None:
    return _current.get()


def begin(routing: Routing) -> contextvars.Token[Routing | None]:
    return _current.set(routing)


def end() -> None:
    _current.set(None)


@contextmanager
def replica_reads(*, required_lsn: int = 0) -> Iterator[Routing]:
    """Let reads in this block go to a replica (as a request's do), e.g. a report built by a command."""
    routing = Routing(required_lsn=required_lsn)
    token = _current.set(routing)
    try:
        yield routing
    finally:
        _current.reset(token)


def read_alias_for(model: Any) -> str:
    """The database the router sends a read of `model` to."""
    routing = _current.get()
    if routing is None or routing.pinned:
        return DEFAULT_DB_ALIAS
    if model is not None and model._meta.app_label in PRIMARY_ONLY_APPS:
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return routing.read_alias()


def note_write() -> None:
    routing = _current.get()
    if routing is not None:
        routing.note_write()


def primary_wal_lsn() -> int:
    """The primary's current WAL position: after a commit, at or past that commit's record."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return parse_lsn(cursor.fetchone()[0])
