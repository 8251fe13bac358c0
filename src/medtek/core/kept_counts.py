"""Counts kept by database triggers, for what is counted on every page load but written by many paths.

An app describes its counts once — the PostgreSQL function and triggers, the SQLite triggers, the
statements that recompute the rows — and gets the same install, uninstall, rebuild and check as every
other kept count. The register's device counts and the centre's item counts are two of them; the PM
clock's copy of its device's owner and register status (`maintenance.kept_clocks`) is kept the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.migrations import RunPython


@dataclass(frozen=True)
class KeptCounts:
    postgres_install: str
    postgres_triggers: Mapping[str, tuple[str, ...]]  # table -> trigger names
    postgres_functions: tuple[str, ...]  # the trigger functions postgres_install creates
    sqlite_triggers: Mapping[str, tuple[str, str, str]]  # trigger name -> (table, when, body)
    rebuild_sql: tuple[str, ...]

    def install(self, connection: Any) -> None:
        """Create the triggers (PostgreSQL or SQLite; another database keeps no counts)."""
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute(self.postgres_install)
            elif connection.vendor == "sqlite":
                for name, (_table, when, body) in self.sqlite_triggers.items():
                    cur.execute(f"DROP TRIGGER IF EXISTS {name}")
                    cur.execute(f"CREATE TRIGGER {name} {when} BEGIN {body} END")

    def uninstall(self, connection: Any) -> None:
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute(self.postgres_uninstall_sql())
            elif connection.vendor == "sqlite":
                for name in self.sqlite_triggers:
                    cur.execute(f"DROP TRIGGER IF EXISTS {name}")

    def postgres_uninstall_sql(self) -> str:
        """Drop the triggers, then their functions: what postgres_install created, named once."""
        drops = [
            f"DROP TRIGGER IF EXISTS {name} ON {table};"
            for table, names in self.postgres_triggers.items()
            for name in names
        ]
        drops += [f"DROP FUNCTION IF EXISTS {function}();" for function in self.postgres_functions]
        return "\n".join(drops)

    def rebuild(self, connection: Any) -> None:
        """Recompute every count from the rows (idempotent)."""
        with connection.cursor() as cur:
            for sql in self.rebuild_sql:
                cur.execute(sql)

    def migration(self) -> RunPython:
        """The migration step that installs the triggers and fills the counts (undone: drops them)."""

        def forward(apps: Any, schema_editor: Any) -> None:
            self.install(schema_editor.connection)
            self.rebuild(schema_editor.connection)

        def backward(apps: Any, schema_editor: Any) -> None:
            self.uninstall(schema_editor.connection)

        return RunPython(forward, backward)

    def expected_triggers(self, vendor: str) -> dict[str, set[str]]:
        """The triggers that keep the counts, by table."""
        if vendor == "postgresql":
            return {table: set(names) for table, names in self.postgres_triggers.items()}
        found: dict[str, set[str]] = {}
        for name, (table, _when, _body) in self.sqlite_triggers.items():
            found.setdefault(table, set()).add(name)
        return found


def installed_triggers(connection: Any, tables: list[str]) -> dict[str, set[str]]:
    """The triggers in place on these tables (sqlite_master or pg_trigger): a later SQLite migration
    that rebuilds a table drops its triggers, and the kept counts' tests check they are there."""
    found: dict[str, set[str]] = {t: set() for t in tables}
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND c.relname = ANY(%s)",
                [tables],
            )
        else:
            marks = ", ".join(["%s"] * len(tables))
            cur.execute(
                f"SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})",
                tables,
            )
        for table, name in cur.fetchall():
            found[table].add(name)
    return found
