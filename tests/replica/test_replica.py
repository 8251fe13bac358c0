"""Reads on a real streaming replica: routed there, never stale for the client that wrote, skipped when it
lags or is gone. The replica's replay is paused (`pg_wal_replay_pause()`) to make it fall behind for sure."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test import Client, override_settings

from medtek.core.db import metrics, routing
from medtek.core.db.middleware import COOKIE, HEADER
from medtek.inventory.models import Device
from medtek.inventory.tests.factories import DeviceModelFactory, registered_device
from tests.replica.conftest import (
    REPLICA,
    api_client,
    forget_replica_checks,
    pause_replay,
    resume_replay,
    wait_for_replica,
)

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")
API = "/api/v1"


def assets(client: Client) -> set[str]:
    response = client.get(f"{API}/devices?limit=200")
    assert response.status_code == 200, response.content
    return {item["asset_number"] for item in response.json()["items"]}


def skipped(reason: str) -> float:
    return metrics.REPLICA_SKIPPED.labels(REPLICA, reason)._value.get()


def reads_on(alias: str) -> float:
    return metrics.READS.labels(alias)._value.get()


def create_device(client: Client, asset_number: str, model_id: int, owner_id: int) -> Any:
    body = {"asset_number": asset_number, "model_id": model_id, "owner_id": owner_id}
    return client.post(f"{API}/devices", data=json.dumps(body), content_type="application/json")


def test_a_list_is_read_from_the_replica(replica: str, world: Any) -> None:
    registered_device(world.admin, owner=world.berg, asset_number="BEFORE")
    client = api_client(world.admin.username)
    wait_for_replica()
    pause_replay()
    registered_device(world.admin, owner=world.berg, asset_number="WHILE-PAUSED")
    replica_reads = reads_on(REPLICA)

    seen = assets(client)

    assert seen == {"BEFORE"}  # the replica has not replayed the second device: the list came from it
    assert reads_on(REPLICA) > replica_reads
    resume_replay()
    wait_for_replica()
    assert assets(client) == {"BEFORE", "WHILE-PAUSED"}


def test_a_client_reads_its_own_write_while_the_replica_is_paused(replica: str, world: Any) -> None:
    model = DeviceModelFactory()
    writer = api_client(world.admin.username)
    other = api_client(world.admin.username)
    wait_for_replica()
    pause_replay()

    created = create_device(writer, "MINE-1", model.pk, world.berg.pk)

    assert created.status_code == 201, created.content
    assert created[HEADER] and writer.cookies[COOKIE].value == created[HEADER]
    assert writer.get(f"{API}/devices/{created.json()['id']}").status_code == 200
    assert assets(writer) == {"MINE-1"}
    assert assets(other) == set()  # another client, without the write's position, reads the replica
    assert skipped("behind_client_write") >= 2


def test_a_script_without_cookies_reads_its_write_by_sending_the_header(replica: str, world: Any) -> None:
    model = DeviceModelFactory()
    script = api_client(world.admin.username)
    wait_for_replica()
    pause_replay()

    created = create_device(script, "MINE-2", model.pk, world.berg.pk)
    script.cookies.clear()

    assert assets(script) == set()
    response = script.get(f"{API}/devices?limit=200", HTTP_MEDTEK_WAL_POSITION=created[HEADER])
    assert [item["asset_number"] for item in response.json()["items"]] == ["MINE-2"]


def test_a_forged_position_is_ignored(replica: str, world: Any) -> None:
    client = api_client(world.admin.username)
    wait_for_replica()
    pause_replay()
    registered_device(world.admin, owner=world.berg, asset_number="HIDDEN")

    response = client.get(f"{API}/devices?limit=200", HTTP_MEDTEK_WAL_POSITION="FFFF/FFFFFFFF:forged")

    assert response.json()["items"] == []


def test_a_replica_lagging_beyond_the_setting_is_skipped(replica: str, world: Any) -> None:
    client = api_client(world.admin.username)
    wait_for_replica()
    pause_replay()
    registered_device(world.admin, owner=world.berg, asset_number="LATE")
    wait_for_replica(replayed=False)
    time.sleep(0.05)
    before = skipped("lagging")

    with override_settings(MEDTEK_DB={**settings.MEDTEK_DB, "MAX_LAG_SECONDS": 0.01}):
        seen = assets(client)

    assert seen == {"LATE"}
    assert skipped("lagging") == before + 1


def test_reads_in_a_write_transaction_and_locking_reads_go_to_the_primary(replica: str, world: Any) -> None:
    with routing.replica_reads():
        assert Device.objects.all().db == REPLICA
        with transaction.atomic():
            assert Device.objects.all().db == "default"
            assert Device.objects.select_for_update().db == "default"
        assert Device.objects.all().db == "default"  # the block wrote (locked): the rest reads the primary


def test_reads_outside_a_request_go_to_the_primary(replica: str, world: Any) -> None:
    assert Device.objects.all().db == "default"


def test_a_form_post_reads_from_the_primary(replica: str, world: Any) -> None:
    client = Client()
    client.force_login(world.admin)
    wait_for_replica()
    pause_replay()
    device = registered_device(world.admin, owner=world.berg, asset_number="FRESH")
    primary_reads = reads_on("default")

    response = client.post(f"/devices/{device.pk}/status/", {"status": "nonsense"})

    assert response.status_code in (200, 302, 422)  # the device was found: read from the primary
    assert reads_on("default") > primary_reads


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pages(world: Any, device: Any) -> list[str]:
    return [
        "/",
        "/devices/",
        f"/devices/{device.pk}/",
        "/devices/export/",
        "/maintenance/",
        "/maintenance/key-figures/",
        "/agreements/",
        "/billing/",
        "/decommissioning/",
        "/organisations/",
        f"{API}/devices?limit=50",
        f"{API}/devices/{device.pk}",
        f"{API}/devices/counts",
        "/readyz",
    ]


def _every_page_answers(world: Any, device: Any) -> None:
    client = Client()
    client.force_login(world.admin)
    for path in pages(world, device):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    assert "FRESH-2" in {d["asset_number"] for d in client.get(f"{API}/devices?limit=50").json()["items"]}


def test_every_page_works_when_the_replica_does_not_answer(replica: str, world: Any) -> None:
    device = registered_device(world.admin, owner=world.berg, asset_number="FRESH-2")
    settings_dict = connections[REPLICA].settings_dict
    port = settings_dict["PORT"]
    routing.close_quietly(connections[REPLICA])
    settings_dict["PORT"] = str(_closed_port())
    forget_replica_checks()
    before = skipped("unreachable")
    try:
        _every_page_answers(world, device)
        readyz = Client().get("/readyz").json()
    finally:
        routing.close_quietly(connections[REPLICA])
        settings_dict["PORT"] = port
        forget_replica_checks()
    assert skipped("unreachable") > before
    assert readyz == {
        "status": "ready",
        "databases": {"default": {"ok": True}, REPLICA: {"ok": False, "reason": "unreachable"}},
    }


needs_cluster = pytest.mark.skipif(
    not os.environ.get("MEDTEK_REPLICA_CLUSTER"),
    reason="MEDTEK_REPLICA_CLUSTER (the replica's Debian cluster, e.g. `15 replica`) not set",
)


@contextmanager
def replica_stopped() -> Iterator[None]:
    """The replica's server stopped (`pg_ctlcluster ... stop`), and started again afterwards."""
    ctl = ["pg_ctlcluster", "--skip-systemctl-redirect", *os.environ["MEDTEK_REPLICA_CLUSTER"].split()]
    subprocess.run([*ctl, "stop", "-m", "fast"], check=True)
    try:
        yield
    finally:
        subprocess.run([*ctl, "start"], check=True)
        routing.close_quietly(connections[REPLICA])
        forget_replica_checks()
    deadline = time.monotonic() + 60
    while not routing.replica_status(REPLICA, fresh=True).ok:
        assert time.monotonic() < deadline, "the replica did not come back"
        time.sleep(0.2)
    wait_for_replica()


@needs_cluster
def test_every_page_works_while_the_replica_server_is_stopped(replica: str, world: Any) -> None:
    device = registered_device(world.admin, owner=world.berg, asset_number="FRESH-2")
    with replica_stopped():
        forget_replica_checks()
        _every_page_answers(world, device)


@needs_cluster
def test_a_read_whose_replica_stops_under_it_is_answered_by_the_primary(replica: str, world: Any) -> None:
    registered_device(world.admin, owner=world.berg, asset_number="FRESH-3")
    client = api_client(world.admin.username)
    wait_for_replica()
    # The replica's last check stays valid for the whole test: the router keeps choosing it.
    with override_settings(MEDTEK_DB={**settings.MEDTEK_DB, "CHECK_INTERVAL_MS": 600_000}):
        assert assets(client) == {"FRESH-3"}
        before = skipped("unreachable")
        with replica_stopped():
            seen = assets(client)
            again = assets(client)
    assert seen == again == {"FRESH-3"}
    assert skipped("unreachable") > before


def test_readyz_reports_the_replica_and_its_lag(replica: str, world: Any) -> None:
    response = Client().get("/readyz")

    body = response.json()
    assert response.status_code == 200
    assert body["databases"]["default"] == {"ok": True}
    assert body["databases"][REPLICA]["ok"] is True
    assert body["databases"][REPLICA]["lag_seconds"] >= 0
    assert "/" in body["databases"][REPLICA]["replay_lsn"]


def test_metrics_show_the_replica_lag_and_reads_per_alias(replica: str, world: Any) -> None:
    client = api_client(world.admin.username)
    wait_for_replica()
    assets(client)

    text = Client().get("/metrics").content.decode()

    assert f'medtek_db_replica_lag_seconds{{alias="{REPLICA}"}}' in text
    assert f'medtek_db_reads_total{{alias="{REPLICA}"}}' in text
    assert f'medtek_db_query_duration_seconds_count{{alias="{REPLICA}"}}' in text
