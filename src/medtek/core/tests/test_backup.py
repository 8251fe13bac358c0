"""Backup and restore, as the README's restore drill does them: a real database file or a real
PostgreSQL database, the real commands (pg_dump/pg_restore on PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection


def _medtek(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "medtek", *args], env=env, capture_output=True, text=True, check=False
    )
    if ok:
        assert done.returncode == 0, done.stderr
    return done


@pytest.fixture
def scratch(tmp_path: Path, django_db_blocker: object) -> Iterator[dict[str, str]]:
    """A database of its own for the drill: a file beside the test on SQLite, a scratch database on
    PostgreSQL (next to the test database)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "medtek.config.settings.local",
        "MEDTEK_VAR_DIR": str(tmp_path),
    }
    if connection.vendor != "postgresql":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'medtek.sqlite3'}"
        yield env
        return
    s = connection.settings_dict
    name = f"{s['NAME']}_drill"
    with django_db_blocker.unblock(), connection.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    env["DATABASE_URL"] = (
        f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"
    )
    yield env
    with django_db_blocker.unblock(), connection.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_then_restore_brings_back_the_database_as_it_was(
    scratch: dict[str, str], tmp_path: Path
) -> None:
    _medtek(scratch, "migrate", "--no-input", "-v0")
    _medtek(
        scratch,
        "shell",
        "-c",
        "from django.contrib.auth.models import User; User.objects.create(username='ops')",
    )
    _medtek(scratch, "token", "create", "ops", "--name", "before the backup")
    target = tmp_path / ("drill.dump" if connection.vendor == "postgresql" else "drill.sqlite3")
    assert _medtek(scratch, "backup", str(target)).stdout.strip() == str(target)
    assert target.stat().st_size > 0

    _medtek(scratch, "token", "create", "ops", "--name", "after the backup")
    assert len(_medtek(scratch, "token", "list").stdout.splitlines()) == 2

    restored = _medtek(scratch, "restore", str(target), "--yes").stdout
    assert restored.splitlines()[-1] == "History unbroken: 1 events, each chained to the one before it."
    (line,) = _medtek(scratch, "token", "list").stdout.splitlines()
    assert "\tbefore the backup\t" in line

    # Rewritten behind the application, as only the database's owner could: verify-history exits 1.
    tamper = [
        "DROP TRIGGER core_event_no_update" if connection.vendor == "sqlite" else "",
        "UPDATE core_event SET message = 'forged' WHERE seq = 1",
    ]
    _medtek(
        scratch, "shell", "-c", f"from django.db import connection; c = connection.cursor(); {_run(tamper)}"
    )
    broken = _medtek(scratch, "verify-history", ok=False)
    assert broken.returncode == 1
    assert (
        "History broken at event 1 (sequence number 1): it has been changed since it was recorded"
        in broken.stderr
    )


def _run(statements: list[str]) -> str:
    if connection.vendor == "postgresql":
        statements = ["ALTER TABLE core_event DISABLE TRIGGER USER", *statements[1:]]
    return "; ".join(f"c.execute({sql!r})" for sql in statements if sql)


def test_a_backup_never_overwrites_a_file(scratch: dict[str, str], tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("precious")
    done = _medtek(scratch, "backup", str(target), ok=False)
    assert done.returncode == 1
    assert f"{target} exists already; a backup never overwrites one" in done.stderr
    assert target.read_text() == "precious"


def test_restore_refuses_a_file_that_is_no_backup(scratch: dict[str, str], tmp_path: Path) -> None:
    junk = tmp_path / "junk"
    junk.write_text("not a database")
    done = _medtek(scratch, "restore", str(junk), "--yes", ok=False)
    assert done.returncode == 1
    assert "is not" in done.stderr
