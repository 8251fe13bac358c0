"""Every device has its PM clock from the moment it is registered, imported or given another model."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from medtek.core.dates import add_months
from medtek.core.models import Event
from medtek.inventory import services as register
from medtek.inventory.importer import RowError, import_devices
from medtek.inventory.models import Device
from medtek.inventory.tests.factories import DeviceFactory, DeviceModelFactory
from medtek.maintenance import selectors
from medtek.maintenance.models import DevicePMState

pytestmark = pytest.mark.django_db


@pytest.fixture
def volumat(world: Any) -> Any:
    return DeviceModelFactory(name="Volumat", pm_interval_months=12)


def _import(world: Any, text: str) -> Any:
    return import_devices(user=world.admin, data=text.encode(), filename="register.csv")


def _state(asset: str) -> tuple[dt.date | None, dt.date | None, int | None]:
    state = DevicePMState.objects.get(device__asset_number=asset)
    return state.last_done, state.next_due, state.interval_months


def test_a_registered_device_is_due_for_pm_at_once(world: Any, volumat: Any) -> None:
    register.device_create(user=world.admin, asset_number="N-1", model=volumat, owner=world.berg)
    assert _state("N-1") == (None, timezone.localdate(), 12)


def test_the_pm_overview_counts_a_new_device_without_running_the_planner(world: Any, volumat: Any) -> None:
    register.device_create(user=world.admin, asset_number="N-1", model=volumat, owner=world.berg)
    rows = selectors.pm_due_by_customer(user=world.admin)
    assert [(r["customer"], r["due"]) for r in rows] == [("Bergs kommun", 1)]


def test_devices_registered_in_bulk_get_their_pm_state(world: Any, volumat: Any) -> None:
    devices = [Device(asset_number=f"B-{i}", model=volumat, owner=world.berg) for i in range(3)]
    register.device_bulk_register(user=world.admin, devices=devices)
    assert DevicePMState.objects.filter(device__asset_number__startswith="B-").count() == 3


def test_another_model_gives_the_device_that_models_interval(world: Any, volumat: Any) -> None:
    device = register.device_create(user=world.admin, asset_number="N-1", model=volumat, owner=world.berg)
    state = DevicePMState.objects.get(device=device)
    state.last_done = dt.date(2025, 3, 31)
    state.save()
    register.device_update(user=world.admin, device=device, model=DeviceModelFactory(pm_interval_months=6))
    assert _state("N-1") == (dt.date(2025, 3, 31), dt.date(2025, 9, 30), 6)


def test_an_imported_device_without_a_last_pm_is_due_on_import_day(world: Any, volumat: Any) -> None:
    report = _import(world, f"asset_number;model;owner\nI-1;Volumat;{world.berg.short_code}\n")
    assert report.ok, report.errors
    assert _state("I-1") == (None, timezone.localdate(), 12)


def test_the_senaste_fu_column_keeps_a_migrated_registers_due_dates(world: Any, volumat: Any) -> None:
    berg = world.berg.short_code
    report = _import(
        world,
        f"inventarienummer;modell;ägare;senaste_fu\nI-1;Volumat;{berg};2025-10-31\nI-2;Volumat;{berg};\n",
    )
    assert report.ok, report.errors
    assert _state("I-1") == (dt.date(2025, 10, 31), add_months(dt.date(2025, 10, 31), 12), 12)
    assert _state("I-2") == (None, timezone.localdate(), 12)


def test_the_last_pm_column_has_its_english_name_too(world: Any, volumat: Any) -> None:
    report = _import(
        world, f"asset_number;model;owner;last_pm\nI-1;Volumat;{world.berg.short_code};2024-02-29\n"
    )
    assert report.ok, report.errors
    assert _state("I-1")[:2] == (dt.date(2024, 2, 29), dt.date(2025, 2, 28))


def test_a_last_pm_in_the_future_is_refused_and_nothing_is_imported(world: Any, volumat: Any) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    report = _import(
        world, f"asset_number;model;owner;senaste_fu\nI-1;Volumat;{world.berg.short_code};{tomorrow}\n"
    )
    assert report.errors == [RowError(1, "senaste_fu", "The last PM cannot be in the future.", 2)]
    assert not Device.objects.filter(asset_number="I-1").exists()


def test_a_last_pm_that_is_no_date_is_refused(world: Any, volumat: Any) -> None:
    report = _import(
        world, f"asset_number;model;owner;senaste_fu\nI-1;Volumat;{world.berg.short_code};igår\n"
    )
    assert report.errors == [RowError(1, "senaste_fu", "'igår' is not a date; write YYYY-MM-DD.", 2)]


def test_the_pm_clocks_of_an_import_are_set_without_a_query_per_row(
    world: Any, volumat: Any, django_assert_max_num_queries: Any
) -> None:
    berg = world.berg.short_code
    rows = "\n".join(f"I-{i};Volumat;{berg};2025-{1 + i % 12:02d}-15" for i in range(300))
    with django_assert_max_num_queries(21):
        report = _import(world, f"asset_number;model;owner;senaste_fu\n{rows}\n")
    assert report.created == 300
    assert DevicePMState.objects.filter(last_done__isnull=False).count() == 300
    assert _state("I-13") == (dt.date(2025, 2, 15), dt.date(2026, 2, 15), 12)


def test_imported_devices_get_their_event_and_pm_clock_under_a_device_numbered_by_hand(
    world: Any, volumat: Any
) -> None:
    # A device whose id was given by hand (data moved from another system) above the ids the register
    # draws: the imported devices are numbered below it and are still found.
    DeviceFactory(id=900_000, asset_number="HIGH", model=volumat, owner=world.berg)
    code = world.berg.short_code
    report = _import(
        world, f"asset_number;model;owner;senaste_fu\nI-1;Volumat;{code};\nI-2;Volumat;{code};2025-03-31\n"
    )
    assert report.ok, report.errors
    for asset in ("I-1", "I-2"):
        device = Device.objects.get(asset_number=asset)
        assert Event.objects.filter(device_id=device.pk, kind="device.imported").count() == 1
    assert _state("I-1") == (None, timezone.localdate(), 12)
    assert _state("I-2") == (dt.date(2025, 3, 31), dt.date(2026, 3, 31), 12)
