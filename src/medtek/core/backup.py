"""Backup and restore of the whole database: SQLite's online backup API for the embedded database,
pg_dump/pg_restore in PostgreSQL's custom format for production."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

SQLITE_SUFFIX = ".sqlite3"
PG_SUFFIX = ".dump"


class BackupError(Exception):
    """A backup or restore that could not be made; the message says why."""


def default_path(connection: Any) -> Path:
    suffix = PG_SUFFIX if connection.vendor == "postgresql" else SQLITE_SUFFIX
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"medtek-{stamp}{suffix}"


def _pg_env(connection: Any) -> tuple[list[str], dict[str, str]]:
    s = connection.settings_dict
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if s.get(key):
            args += [flag, str(s[key])]
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)"
        ) from exc
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")


def backup(connection: Any, path: Path) -> Path:
    """Write a consistent copy of the whole database to `path`, while the application keeps running."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise BackupError(f"{path} exists already; a backup never overwrites one")
    if connection.vendor == "postgresql":
        args, env = _pg_env(connection)
        _run(
            ["pg_dump", "--format=custom", "--file", str(path), *args, connection.settings_dict["NAME"]], env
        )
        return path
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)  # page by page, consistent, writers only briefly paused
    finally:
        target.close()
    return path


def restore(connection: Any, path: Path) -> None:
    """Replace the whole database with the backup at `path`."""
    if not path.is_file():
        raise BackupError(f"No backup at {path}")
    if connection.vendor == "postgresql":
        with path.open("rb") as f:
            if f.read(5) != b"PGDMP":
                raise BackupError(f"{path} is not a pg_dump custom-format backup")
        args, env = _pg_env(connection)
        connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                *args,
                "--dbname",
                connection.settings_dict["NAME"],
                str(path),
            ],
            env,
        )
        return
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            tables = {r[0] for r in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} is not an SQLite database") from exc
        if "core_event" not in tables:
            raise BackupError(f"{path} is not a medtek backup (it has no event log)")
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()
