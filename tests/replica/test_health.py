"""/healthz, /readyz and /metrics, on any database (SQLite included: no replica, nothing routed)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client, RequestFactory, override_settings

from medtek.core.db import routing
from medtek.core.db.middleware import HEADER, client_position, sign_position

# /readyz and /metrics ask every replica configured (none on SQLite).
pytestmark = pytest.mark.django_db(databases="__all__")


def test_healthz_answers_without_touching_the_database(
    client: Client, django_assert_num_queries: Any, db: Any
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_says_ready_when_the_primary_answers(client: Client, db: Any) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"
    assert response.json()["databases"]["default"] == {"ok": True}


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_readyz_is_503_when_the_primary_does_not_answer(client: Client, event_log_flushable: Any) -> None:
    connection = connections["default"]
    if connection.vendor != "postgresql":
        pytest.skip("needs a database server that can be away (PostgreSQL)")
    port = connection.settings_dict["PORT"]
    routing.close_quietly(connection)
    connection.settings_dict["PORT"] = "1"
    try:
        response = client.get("/readyz")
    finally:
        routing.close_quietly(connection)
        connection.settings_dict["PORT"] = port
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["databases"]["default"] == {"ok": False}


def test_metrics_from_the_loopback_show_latency_per_route(admin_client: Client) -> None:
    admin_client.get("/devices/")

    response = admin_client.get("/metrics")

    assert response.status_code == 200
    text = response.content.decode()
    assert 'medtek_http_request_duration_seconds_count{method="GET",route="devices/"}' in text
    assert 'medtek_db_query_duration_seconds_count{alias="default"}' in text


def test_metrics_are_not_found_from_another_address(client: Client, db: Any) -> None:
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 404


def test_metrics_answer_another_address_that_sends_the_token(client: Client, db: Any) -> None:
    with override_settings(MEDTEK_DB={**settings.MEDTEK_DB, "METRICS_TOKEN": "s3cret-scrape"}):
        allowed = client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer s3cret-scrape")
        refused = client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer guess")
    assert allowed.status_code == 200
    assert refused.status_code == 404


def test_sqlite_has_no_replica_and_no_router() -> None:
    if connections["default"].vendor != "sqlite":
        pytest.skip("about the embedded SQLite")
    assert settings.MEDTEK_DB["REPLICAS"] == []
    assert settings.DATABASE_ROUTERS == []
    assert list(settings.DATABASES) == ["default"]


def test_a_write_without_replicas_leaves_no_position(client: Client, world: Any) -> None:
    if settings.MEDTEK_DB["REPLICAS"]:
        pytest.skip("without replicas")
    client.force_login(world.admin)
    response = client.post("/logout/")
    assert response.status_code == 302
    assert HEADER not in response


def test_wal_positions_order_like_the_wal() -> None:
    assert routing.parse_lsn("0/16B3748") < routing.parse_lsn("0/16B3750") < routing.parse_lsn("1/0")
    assert routing.format_lsn(routing.parse_lsn("16/B374D848")) == "16/B374D848"


def test_a_signed_position_is_read_back_and_a_tampered_one_is_not() -> None:
    signed = sign_position(routing.parse_lsn("3/A0"))
    factory = RequestFactory()
    assert client_position(factory.get("/", HTTP_MEDTEK_WAL_POSITION=signed)) == routing.parse_lsn("3/A0")
    tampered = signed.replace("3/A0", "3/A1")
    assert client_position(factory.get("/", HTTP_MEDTEK_WAL_POSITION=tampered)) == 0
    assert client_position(factory.get("/", HTTP_MEDTEK_WAL_POSITION="junk")) == 0
