"""The bench's own database: created before, dropped after; no other database is ever touched."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/medtek_bench"


def postgres_reachable(host: str = "127.0.0.1", port: int = 5432) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def default_url(work_dir: str) -> str:
    """PostgreSQL's `medtek_bench` when a server answers on 127.0.0.1:5432, else a temporary SQLite file."""
    if postgres_reachable():
        return DEFAULT_POSTGRES
    return f"sqlite:///{Path(work_dir) / 'bench.sqlite3'}"


def vendor_of(url: str) -> str:
    scheme = urlsplit(url).scheme
    if scheme.startswith("postgres"):
        return "postgresql"
    if scheme.startswith("sqlite"):
        return "sqlite"
    raise SystemExit(f"bench: unsupported database URL {url!r} (postgres:// or sqlite:///)")


def _pg_names(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(
            f"bench: refusing to use database {name!r}: the bench drops and recreates its database, "
            "so its name must contain 'bench' (e.g. medtek_bench)"
        )
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, parts.fragment))
    return name, admin


def _sqlite_path(url: str) -> Path:
    path = url.split("sqlite:///", 1)[1]
    return Path(path if path.startswith("/") else os.path.abspath(path))


def exists(url: str) -> bool:
    if vendor_of(url) == "sqlite":
        return _sqlite_path(url).exists()
    import psycopg

    name, admin = _pg_names(url)
    with psycopg.connect(_psycopg(admin), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def _psycopg(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url


def create(url: str) -> None:
    """(Re)create the bench database, empty."""
    drop(url)
    if vendor_of(url) == "sqlite":
        _sqlite_path(url).parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg
    from psycopg import sql

    name, admin = _pg_names(url)
    with psycopg.connect(_psycopg(admin), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop(url: str) -> None:
    if vendor_of(url) == "sqlite":
        path = _sqlite_path(url)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    name, admin = _pg_names(url)
    with psycopg.connect(_psycopg(admin), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
