"""The PM clock keeps its device's owner, register status and assistive flag, whichever path writes the
device or the clock, so overdue FU per customer and the clocks' scope read the clocks alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from medtek.core.kept_counts import installed_triggers
from medtek.inventory.choices import DeviceStatus
from medtek.inventory.models import Device, DeviceModel
from medtek.inventory.tests.factories import DeviceFactory, DeviceModelFactory
from medtek.maintenance import kept_clocks, key_figures, planner, selectors
from medtek.maintenance.models import DevicePMState
from medtek.organizations.choices import Role
from medtek.organizations.tests.factories import user_with_role

pytestmark = pytest.mark.django_db

Kept = dict[int, tuple[int | None, bool, bool]]


def kept() -> Kept:
    rows = DevicePMState.objects.values_list("device_id", "owner_id", "in_register", "is_assistive")
    return {device: (owner, in_register, assistive) for device, owner, in_register, assistive in rows}


def live() -> Kept:
    rows = Device.objects.filter(pm_state__isnull=False).values_list(
        "pk", "owner_id", "status", "model__is_assistive"
    )
    left = kept_clocks.LEFT_REGISTER
    return {pk: (owner, status not in left, assistive) for pk, owner, status, assistive in rows}


def overdue_clock(owner: Any, **device: Any) -> Device:
    d = DeviceFactory(owner=owner, **device)
    DevicePMState.objects.create(device=d, next_due=timezone.localdate() - dt.timedelta(days=3))
    return d


def overdue_fu(user: Any) -> dict[str, int]:
    today = timezone.localdate()
    table = key_figures.by_customer(user=user, start=today.replace(day=1), end=today)
    return {r["customer"]: r["pm_overdue"] for r in table["rows"] if r["pm_overdue"]}


def test_the_triggers_are_in_place_after_all_migrations(db: Any) -> None:
    expected = kept_clocks.expected_triggers(connection.vendor)
    found = installed_triggers(connection, sorted(expected))
    for table, names in expected.items():
        assert names <= found[table], table


def test_a_clock_takes_its_devices_owner_when_created(world: Any) -> None:
    device = overdue_clock(world.berg, status=DeviceStatus.BLOCKED)
    assert kept()[device.pk] == (world.berg.pk, True, False)
    assert kept() == live()


def test_a_device_moved_to_another_owner_moves_its_overdue_fu(world: Any) -> None:
    device = overdue_clock(world.berg)
    overdue_clock(world.berg)
    assert overdue_fu(world.admin) == {"Bergs kommun": 2}

    device.owner = world.ostersund
    device.save()
    assert overdue_fu(world.admin) == {"Bergs kommun": 1, "Östersunds kommun": 1}
    assert overdue_fu(world.ostersund_contact) == {"Östersunds kommun": 1}

    Device.objects.filter(owner=world.berg).update(owner=world.ostersund)  # a bulk move
    assert overdue_fu(world.admin) == {"Östersunds kommun": 2}
    assert kept() == live()


def test_a_device_that_leaves_the_register_drops_out_of_overdue_fu(world: Any) -> None:
    device = overdue_clock(world.berg)
    overdue_clock(world.berg)
    device.status = DeviceStatus.SCRAPPED
    device.save()
    fu_page = {r["customer"]: r["overdue"] for r in selectors.pm_due_by_customer(user=world.admin)}
    assert overdue_fu(world.admin) == {"Bergs kommun": 1} and fu_page == {"Bergs kommun": 1}

    Device.objects.filter(pk=device.pk).update(status=DeviceStatus.IN_USE)  # back, as a correction would
    assert overdue_fu(world.admin) == {"Bergs kommun": 2}
    assert kept() == live()


def test_a_model_turning_assistive_shows_its_clocks_to_hmc_staff(world: Any) -> None:
    hmc = user_with_role(world.mt, Role.HMC_STAFF, username="hmc")
    lift = DeviceModelFactory()
    device = overdue_clock(world.berg, model=lift)
    assert overdue_fu(hmc) == {}
    assert selectors.pm_state_of(user=hmc, device=device) is None

    DeviceModel.objects.filter(pk=lift.pk).update(is_assistive=True)
    assert overdue_fu(hmc) == {"Bergs kommun": 1}
    assert selectors.pm_state_of(user=hmc, device=device) is not None

    Device.objects.filter(pk=device.pk).update(model=DeviceModelFactory())  # another model, not assistive
    assert overdue_fu(hmc) == {}
    assert kept() == live()


def test_the_planners_bulk_sync_gives_every_clock_its_devices_values(world: Any) -> None:
    assistive = DeviceModelFactory(is_assistive=True)
    for i in range(6):
        DeviceFactory(
            owner=world.berg if i % 2 else world.ostersund,
            model=assistive if i % 3 == 0 else DeviceModelFactory(),
            status=DeviceStatus.SOLD if i == 4 else DeviceStatus.IN_USE,
        )
    assert planner.sync_pm_states(today=timezone.localdate()) == 6
    assert kept() == live()
    assert sum(in_register for _owner, in_register, _a in kept().values()) == 5
    planner.sync_pm_states(today=timezone.localdate(), refresh=True)
    assert kept() == live()


def test_rebuild_recomputes_the_clocks_from_the_register(world: Any) -> None:
    overdue_clock(world.berg)
    overdue_clock(world.ostersund, status=DeviceStatus.DONATED)
    DevicePMState.objects.update(owner=None, in_register=False, is_assistive=True)
    kept_clocks.rebuild(connection)
    assert kept() == live()
