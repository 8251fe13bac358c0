"""Eight `medtek plan-maintenance` runs at once all finish cleanly and create each work order once; a fault
reported through the API while they plan is answered, not a 500."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from medtek.inventory.tests.factories import DeviceFactory, DeviceModelFactory
from medtek.maintenance import services
from medtek.maintenance.models import DevicePMState, PlanRun, WorkOrder

# Concurrency is PostgreSQL's (SQLite's write lock serialises every writer), and only there can a test
# that commits empty the append-only event log afterwards (`event_log_flushable`).
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL"
    ),
]

DEVICES = 40


def _at_once(jobs: list[Callable[[], Any]]) -> list[Exception]:
    """Run the jobs in threads that start together (each with its own connection); their errors."""
    errors: list[Exception] = []
    start = threading.Barrier(len(jobs))

    def run(job: Callable[[], Any]) -> None:
        try:
            start.wait()
            job()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.fixture
def due_devices(world: Any) -> list[Any]:
    model = DeviceModelFactory(pm_interval_months=12)
    devices = [DeviceFactory(owner=world.berg, model=model) for _ in range(DEVICES)]
    for device in devices:
        services.pm_state_set(user=world.admin, device=device, last_done=dt.date(2025, 1, 10))
    return devices


def _plan() -> None:
    call_command("plan-maintenance", "--horizon", "30d", stdout=StringIO())


def test_eight_concurrent_planner_runs_all_succeed_and_create_each_work_order_once(
    world: Any, due_devices: list[Any], event_log_flushable: Any
) -> None:
    errors = _at_once([_plan] * 8)
    assert errors == []
    assert WorkOrder.objects.filter(kind="pm").count() == DEVICES
    assert sorted(PlanRun.objects.values_list("work_orders_created", flat=True)) == [0] * 7 + [DEVICES]


def test_a_fault_reported_through_the_api_while_planning_runs_is_answered(
    world: Any, due_devices: list[Any], event_log_flushable: Any
) -> None:
    statuses: list[int] = []

    def report() -> None:
        client = Client()
        client.force_login(world.berg_contact)
        response = client.post(
            "/api/v1/maintenance/work-orders",
            data=json.dumps({"kind": "cm", "title": "Larmar", "device_id": due_devices[0].pk}),
            content_type="application/json",
        )
        statuses.append(response.status_code)

    errors = _at_once([_plan, _plan, _plan, report, _plan, report])
    assert errors == []
    assert statuses == [201, 201]
    assert WorkOrder.objects.filter(kind="pm").count() == DEVICES
    assert WorkOrder.objects.filter(kind="cm").count() == 2


def test_pm_states_are_written_once_when_runs_meet_new_devices(world: Any, event_log_flushable: Any) -> None:
    model = DeviceModelFactory(pm_interval_months=12)
    for _ in range(DEVICES):
        DeviceFactory(owner=world.berg, model=model)  # saved directly: no PM state yet
    errors = _at_once([_plan] * 8)
    assert errors == []
    assert DevicePMState.objects.count() == DEVICES
    assert WorkOrder.objects.filter(kind="pm").count() == DEVICES
