"""The demo data's rows, kept after the first load in a test process and written back for later tests.

Loading the demo through the services takes about 1,800 queries; writing its rows back takes one
insert per table. What is kept is exactly what the load added: the rows whose primary key was not there
before. If the load changed a row that was already there, nothing is kept and every test loads the demo
through the services as before (`taken` returns None).

- The event log's `seq`, `prev_hash` and `hash` are left out: the log's triggers compute them on insert
  as they do for every event, so the chain is the same as after a real load.
- The organisation graph's version row is left out: the triggers on organisations bump it on insert
  (with a new nonce, so no scope cached by an earlier test is taken for this one).
- The kept counts (devices per owner and status, items per article and status) are left out: the
  triggers on devices and items count the rows as they are written back, as they did during the load.
- Foreign keys are deferred to the end of the test's transaction (as Django declares them); the tables
  are written after those they point at all the same (the event log first), so a trigger that reads a
  referenced row (a device's model, an item's device) finds it. On PostgreSQL each table's id sequence
  is moved past the rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import Model

SKIPPED_TABLES = frozenset(
    {"django_migrations", "organizations_organisationgraph", "inventory_devicecount", "assistive_itemcount"}
)
COMPUTED_COLUMNS = {"core_event": frozenset({"seq", "prev_hash", "hash"})}
_REF = "__model__"

Rows = dict[str, tuple[list[str], list[tuple[Any, ...]]]]


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _primary_keys() -> dict[str, str]:
    keys = {}
    with connection.cursor() as cur:
        for table in connection.introspection.table_names(cur):
            if table in SKIPPED_TABLES:
                continue
            pk = connection.introspection.get_primary_key_column(cur, table)
            if pk:
                keys[table] = pk
    return keys


def _dependency_order(tables: list[str]) -> list[str]:
    """The tables, each after the tables its foreign keys point at (the event log first)."""
    points_at: dict[str, set[str]] = defaultdict(set)
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model is not None:
                target = f.related_model._meta.db_table
                if target != table:
                    points_at[table].add(target)
    ordered: list[str] = [t for t in tables if t == "core_event"]
    done: set[str] = set(ordered)

    def visit(table: str, path: frozenset[str]) -> None:
        if table in done or table in path:
            return
        for target in sorted(points_at[table]):
            if target in tables:
                visit(target, path | {table})
        done.add(table)
        ordered.append(table)

    for table in sorted(tables):
        visit(table, frozenset())
    return ordered


def _read(table: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM {_qn(table)}")
        return [d[0] for d in cur.description], [tuple(r) for r in cur.fetchall()]


def _freeze(value: Any) -> Any:
    """Model instances in the loader's result become references (label, pk), the rest stays."""
    if isinstance(value, Model):
        return (_REF, value._meta.label_lower, value.pk)
    if isinstance(value, dict):
        return {k: _freeze(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_freeze(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_freeze(v) for v in value)
    return value


def _refs(value: Any, found: dict[str, set[Any]]) -> None:
    if isinstance(value, tuple) and len(value) == 3 and value[0] == _REF:
        found[value[1]].add(value[2])
    elif isinstance(value, dict):
        for v in value.values():
            _refs(v, found)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _refs(v, found)


def _thaw(value: Any, objects: dict[tuple[str, Any], Model]) -> Any:
    if isinstance(value, tuple) and len(value) == 3 and value[0] == _REF:
        return objects[(value[1], value[2])]
    if isinstance(value, dict):
        return {k: _thaw(v, objects) for k, v in value.items()}
    if isinstance(value, list):
        return [_thaw(v, objects) for v in value]
    if isinstance(value, tuple):
        return tuple(_thaw(v, objects) for v in value)
    return value


def _param(value: Any) -> Any:
    if connection.vendor == "postgresql" and isinstance(value, (dict, list)):
        from psycopg.types.json import Jsonb

        return Jsonb(value)
    return value


@dataclass
class DemoSnapshot:
    rows: Rows
    primary_keys: dict[str, str]
    ctx: Any

    @staticmethod
    def tables_now() -> dict[str, dict[Any, str]]:
        """Every table's rows by primary key (as text, to see later whether the load changed one)."""
        keys = _primary_keys()
        now: dict[str, dict[Any, str]] = {}
        for table, pk in keys.items():
            columns, rows = _read(table)
            at = columns.index(pk)
            now[table] = {row[at]: repr(row) for row in rows}
        return now

    @classmethod
    def taken(cls, before: dict[str, dict[Any, str]], ctx: dict[str, Any]) -> DemoSnapshot | None:
        """The rows the load added, or None when it changed a row that was there before."""
        keys = _primary_keys()
        added: Rows = {}
        for table, pk in keys.items():
            columns, rows = _read(table)
            at = columns.index(pk)
            earlier = before.get(table, {})
            for row in rows:
                if row[at] in earlier and earlier[row[at]] != repr(row):
                    return None
            new = sorted((r for r in rows if r[at] not in earlier), key=lambda r: r[at])
            if len(rows) - len(new) != len(earlier):
                return None  # a row that was there is gone
            if new:
                skip = COMPUTED_COLUMNS.get(table, frozenset())
                kept = [i for i, c in enumerate(columns) if c not in skip]
                added[table] = ([columns[i] for i in kept], [tuple(r[i] for i in kept) for r in new])
        return cls(rows=added, primary_keys=keys, ctx=_freeze(ctx))

    def replay(self) -> dict[str, Any]:
        """Write the rows back into the (empty) test database and return the loader's result anew."""
        with connection.cursor() as cur:
            # The event log first and in order, so that its chain is built as the load built it.
            for table in _dependency_order(list(self.rows)):
                columns, rows = self.rows[table]
                marks = ", ".join(["%s"] * len(columns))
                cur.executemany(
                    f"INSERT INTO {_qn(table)} ({', '.join(_qn(c) for c in columns)}) VALUES ({marks})",
                    [tuple(_param(v) for v in row) for row in rows],
                )
                if connection.vendor == "postgresql":
                    pk = self.primary_keys[table]
                    cur.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
                    sequence = cur.fetchone()[0]
                    if sequence:
                        cur.execute(
                            f"SELECT setval(%s, (SELECT max({_qn(pk)}) FROM {_qn(table)}))", [sequence]
                        )
        found: dict[str, set[Any]] = defaultdict(set)
        _refs(self.ctx, found)
        objects: dict[tuple[str, Any], Model] = {}
        for label, pks in found.items():
            for pk, obj in apps.get_model(label)._default_manager.in_bulk(list(pks)).items():
                objects[(label, pk)] = obj
        result: dict[str, Any] = _thaw(self.ctx, objects)
        return result
