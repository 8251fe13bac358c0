"""The event log's hash chain: each event stores the hash of the one before it.

The database computes the chain as each event is inserted, whatever code inserts it (the ORM, a
bulk insert, the importer's INSERT … SELECT): a row trigger on PostgreSQL, which takes the chain's
tail under a transaction-wide advisory lock, and on SQLite a trigger that seals the row right after
its insert (SQLite lets one writer in at a time, so its tail needs no lock). An event's hash is the
SHA-256 of its fields, its place in the chain (`seq`) and its predecessor's hash, written in one
canonical form that `verify-history` recomputes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# The hashed columns, in order. Adding one changes every hash: that takes a new chain, not an edit.
HASHED = (
    "id",
    "seq",
    "occurred_at",
    "recorded_at",
    "actor_id",
    "kind",
    "subject_type",
    "subject_id",
    "device_id",
    "owner_id",
    "location_id",
    "status",
    "in_register",
    "data",
    "message",
    "prev_hash",
)
SQLITE_HASH_FUNCTION = "medtek_sha256"
# Any fixed number: the advisory lock that serialises writers of the chain's tail on PostgreSQL.
PG_CHAIN_LOCK = 7_263_500_001


def sha256_hex(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode()).hexdigest()


def register_sqlite_functions(sqlite_connection: Any) -> None:
    """The SHA-256 the SQLite triggers call, on one connection; and REPLACE fires delete triggers."""
    sqlite_connection.create_function(SQLITE_HASH_FUNCTION, 1, sha256_hex, deterministic=True)
    sqlite_connection.execute("PRAGMA recursive_triggers = ON")


def sqlite_canonical(alias: str = "") -> str:
    """SQLite: the canonical text of a row (quote() writes every value as an unambiguous literal)."""
    prefix = f"{alias}." if alias else ""
    return " || '|' || ".join(f"quote({prefix}{column})" for column in HASHED)


def _pg_value(column: str) -> str:
    if column in ("occurred_at", "recorded_at"):
        return f"to_char(e.{column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
    if column == "data":
        return "e.data::text"  # jsonb's text form is canonical (keys ordered, spacing fixed)
    return f"e.{column}"


_PG_CANONICAL = ", ".join(f"quote_nullable({_pg_value(c)})" for c in HASHED)
PG_HASH_FUNCTION = f"""
CREATE OR REPLACE FUNCTION core_event_hash(e core_event) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws('|', {_PG_CANONICAL}), 'UTF8')), 'hex')
$$;
"""

PG_CHAIN_FUNCTION = f"""
CREATE OR REPLACE FUNCTION core_event_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tail text := current_setting('medtek.event_chain_tail', true);
BEGIN
  IF tail IS NULL OR tail = '' THEN
    -- The first event of this transaction: wait for other writers of the chain, then read its tail.
    PERFORM pg_advisory_xact_lock({PG_CHAIN_LOCK});
    SELECT seq::text || ' ' || hash INTO tail FROM core_event WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
    tail := coalesce(tail, '0 ');
  END IF;
  NEW.seq := split_part(tail, ' ', 1)::bigint + 1;
  NEW.prev_hash := nullif(split_part(tail, ' ', 2), '');
  NEW.hash := core_event_hash(NEW);
  -- Remembered until the transaction (or its savepoint) ends, with the lock still held.
  PERFORM set_config('medtek.event_chain_tail', NEW.seq::text || ' ' || NEW.hash, true);
  RETURN NEW;
END
$$;
"""

PG_INSTALL = [
    PG_HASH_FUNCTION,
    PG_CHAIN_FUNCTION,
    "DROP TRIGGER IF EXISTS core_event_chain ON core_event;",
    """CREATE TRIGGER core_event_chain BEFORE INSERT ON core_event
       FOR EACH ROW EXECUTE FUNCTION core_event_chain();""",
]
PG_UNINSTALL = [
    "DROP TRIGGER IF EXISTS core_event_chain ON core_event;",
    "DROP FUNCTION IF EXISTS core_event_chain();",
    "DROP FUNCTION IF EXISTS core_event_hash(core_event);",
]
# Chains the events that were written before the chain existed, in the order of their ids.
PG_BACKFILL = """
DO $$
DECLARE
  r core_event;
  n bigint := 0;
  prev text := NULL;
BEGIN
  FOR r IN SELECT * FROM core_event WHERE seq IS NULL ORDER BY id LOOP
    n := n + 1;
    r.seq := n;
    r.prev_hash := prev;
    prev := core_event_hash(r);
    UPDATE core_event SET seq = r.seq, prev_hash = r.prev_hash, hash = prev WHERE id = r.id;
  END LOOP;
END
$$;
"""


def _sqlite_seal(row: str) -> list[str]:
    return [
        f"""UPDATE core_event SET seq = (SELECT coalesce(max(seq), 0) + 1 FROM core_event),
                prev_hash = (SELECT hash FROM core_event WHERE seq = (SELECT max(seq) FROM core_event))
            WHERE id = {row}""",
        f"UPDATE core_event SET hash = {SQLITE_HASH_FUNCTION}({sqlite_canonical()}) WHERE id = {row}",
    ]


SQLITE_INSTALL = [
    # A sealed event is never updated; the chain trigger below seals each row right after its insert.
    """CREATE TRIGGER core_event_no_update BEFORE UPDATE ON core_event WHEN OLD.hash IS NOT NULL
       BEGIN SELECT RAISE(ABORT, 'core_event is append-only: events cannot be updated'); END;""",
    """CREATE TRIGGER core_event_no_delete BEFORE DELETE ON core_event
       BEGIN SELECT RAISE(ABORT, 'core_event is append-only: events cannot be deleted'); END;""",
    # REPLACE INTO deletes the row it replaces without firing delete triggers (unless recursive_triggers
    # is on): refuse the insert of an id the log already has, and of a row that brings its own chain.
    """CREATE TRIGGER core_event_no_overwrite BEFORE INSERT ON core_event
       WHEN NEW.seq IS NOT NULL OR NEW.hash IS NOT NULL OR EXISTS (SELECT 1 FROM core_event WHERE id = NEW.id)
       BEGIN SELECT RAISE(ABORT, 'core_event is append-only: events cannot be overwritten'); END;""",
    f"""CREATE TRIGGER core_event_chain AFTER INSERT ON core_event BEGIN
       {"; ".join(_sqlite_seal("NEW.id"))};
       END;""",
]
SQLITE_TRIGGERS = (
    "core_event_no_update",
    "core_event_no_delete",
    "core_event_no_overwrite",
    "core_event_chain",
)
SQLITE_UNINSTALL = [f"DROP TRIGGER IF EXISTS {name};" for name in SQLITE_TRIGGERS]


def sqlite_backfill(cursor: Any) -> None:
    cursor.execute("SELECT id FROM core_event WHERE seq IS NULL ORDER BY id")
    for (event_id,) in cursor.fetchall():
        for sql in _sqlite_seal("%s"):
            cursor.execute(sql, [event_id])


def install(schema_editor: Any) -> None:
    """(Re)create the chain and append-only triggers and chain the events written before them."""
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for sql in PG_INSTALL:
            schema_editor.execute(sql, params=None)
        schema_editor.execute("ALTER TABLE core_event DISABLE TRIGGER core_event_no_update", params=None)
        schema_editor.execute(PG_BACKFILL, params=None)
        schema_editor.execute("ALTER TABLE core_event ENABLE TRIGGER core_event_no_update", params=None)
        return
    connection.ensure_connection()
    register_sqlite_functions(connection.connection)
    for sql in [*SQLITE_UNINSTALL, *SQLITE_INSTALL]:
        schema_editor.execute(sql, params=None)
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER core_event_no_update")
        sqlite_backfill(cursor)
        cursor.execute(SQLITE_INSTALL[0])


@dataclass(frozen=True)
class Break:
    """The first event where the chain does not hold, and why."""

    event_id: int
    seq: int | None
    reason: str


def _rows(connection: Any) -> Iterator[tuple[Any, ...]]:
    if connection.vendor == "postgresql":
        computed = "core_event_hash(e)"
    else:
        computed = f"{SQLITE_HASH_FUNCTION}({sqlite_canonical('e')})"
    sql = f"""SELECT e.id, e.seq, e.prev_hash, e.hash, {computed},
                     lag(e.hash) OVER (ORDER BY e.seq, e.id), lag(e.seq) OVER (ORDER BY e.seq, e.id)
              FROM core_event e ORDER BY e.seq, e.id"""
    if connection.vendor == "postgresql":
        sql = sql.replace("ORDER BY e.seq, e.id", "ORDER BY e.seq NULLS FIRST, e.id")
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while batch := cursor.fetchmany(5000):
            yield from batch


def verify(connection: Any) -> tuple[int, Break | None]:
    """Walk the whole chain in order: the number of events checked, and the first break, if any."""
    checked = 0
    for event_id, seq, prev_hash, stored, computed, before_hash, before_seq in _rows(connection):
        expected_seq = 1 if checked == 0 else (before_seq or 0) + 1
        if seq is None or stored is None:
            return checked, Break(event_id, seq, "is not in the chain (no sequence number or hash)")
        reason = ""
        if seq != expected_seq:
            reason = f"follows sequence number {expected_seq - 1}: events are missing"
        elif prev_hash != (before_hash if checked else None):
            reason = "does not carry the hash of the event before it"
        elif stored != computed:
            reason = "has been changed since it was recorded (its hash does not match)"
        if reason:
            return checked, Break(event_id, seq, reason)
        checked += 1
    return checked, None
