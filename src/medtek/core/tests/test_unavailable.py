"""A database that cannot take writes (read-only, full, locked too long): reads answer, writes get 503."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client

from medtek.core.middleware import writes_unavailable
from medtek.inventory.tests.factories import DeviceModelFactory

SV = (
    "Databasen kan inte ta emot ändringar just nu (den är skrivskyddad, full eller upptagen). "
    "Inget sparades; försök igen om en stund."
)


@pytest.fixture
def signed_in(world: Any) -> Client:
    client = Client()
    client.force_login(world.admin)
    return client


@pytest.fixture
def api(world: Any) -> Client:
    from medtek.organizations.services import token_create

    _token, key = token_create(username=world.admin.username, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def read_only(db: Any) -> Iterator[None]:
    """SQLite: the connection may read but not write (what a read-only file or mount gives)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's read-only mode")
    connection.connection.execute("PRAGMA query_only = 1")
    yield
    connection.connection.execute("PRAGMA query_only = 0")


@pytest.fixture
def full_disk(db: Any) -> None:
    """PostgreSQL answering disk_full (SQLite's full file: see the last test)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's disk_full")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' "
            "USING ERRCODE = 'disk_full'; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER disk_full BEFORE INSERT ON inventory_device "
            "FOR EACH ROW EXECUTE FUNCTION disk_full()"
        )


@pytest.fixture
def model(db: Any) -> Any:
    return DeviceModelFactory()


def _create_device(api: Client, world: Any, model: Any) -> Any:
    body = {"asset_number": "RO-1", "model_id": model.pk, "owner_id": world.berg.pk}
    return api.post("/api/v1/devices", data=json.dumps(body), content_type="application/json")


def test_a_read_only_database_still_answers_pages(world: Any, signed_in: Client, read_only: None) -> None:
    response = signed_in.get("/organisations/")
    assert response.status_code == 200


def test_a_read_only_database_still_answers_the_api(world: Any, api: Client, read_only: None) -> None:
    assert api.get("/api/v1/devices").status_code == 200


def test_a_write_to_a_read_only_database_is_503_with_retry_after_in_json(
    world: Any, api: Client, model: Any, read_only: None
) -> None:
    response = _create_device(api, world, model)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {"detail": SV}


def test_a_login_on_a_read_only_database_is_503_on_the_products_page(world: Any, read_only: None) -> None:
    world.admin.set_password("a long right password")
    connection.connection.execute("PRAGMA query_only = 0")
    world.admin.save()
    connection.connection.execute("PRAGMA query_only = 1")
    response = Client().post(
        "/login/", {"username": world.admin.username, "password": "a long right password"}
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "<h1>Försök igen om en stund</h1>" in page
    assert SV in page


def test_a_write_to_a_full_database_is_503(world: Any, api: Client, model: Any, full_disk: None) -> None:
    response = _create_device(api, world, model)
    assert (response.status_code, response.json()) == (503, {"detail": SV})


def test_a_full_sqlite_file_counts_as_unavailable(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "full.sqlite3", isolation_level=None)
    db.execute("CREATE TABLE t (x)")
    db.execute("PRAGMA max_page_count = 3")
    with pytest.raises(sqlite3.OperationalError) as raised:
        db.execute("INSERT INTO t VALUES (zeroblob(100000))")
    db.close()
    assert str(raised.value) == "database or disk is full"
    assert writes_unavailable(OperationalError(str(raised.value)))


def test_a_lock_that_outlasts_the_timeout_counts_as_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError) as raised:
        other.execute("INSERT INTO t VALUES (1)")
    holder.close()
    other.close()
    assert writes_unavailable(OperationalError(str(raised.value)))
    assert not writes_unavailable(OperationalError("no such table: t"))
