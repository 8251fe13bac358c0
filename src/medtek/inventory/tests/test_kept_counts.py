"""The kept device counts (devices per owner, status and assistive or not) follow every write of the
register, whichever path makes it, and read through the same scope as the devices."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Count

from medtek.core.kept_counts import installed_triggers
from medtek.inventory import kept_counts
from medtek.inventory.choices import DeviceStatus
from medtek.inventory.importer import import_devices
from medtek.inventory.models import Device, DeviceCount, DeviceModel
from medtek.inventory.tests.factories import DeviceFactory, DeviceModelFactory
from medtek.organizations.tests.factories import MunicipalityFactory

Key = tuple[int, str, bool]


def live() -> dict[Key, int]:
    rows = Device.objects.values("owner_id", "status", "model__is_assistive").annotate(n=Count("pk"))
    return {(r["owner_id"], r["status"], r["model__is_assistive"]): r["n"] for r in rows.order_by()}


def kept() -> dict[Key, int]:
    rows = DeviceCount.objects.filter(n__gt=0).values_list("owner_id", "status", "is_assistive", "n")
    assert not DeviceCount.objects.filter(n__lt=0).exists()
    return {(owner, status, assistive): n for owner, status, assistive, n in rows}


def test_the_triggers_are_in_place_after_all_migrations(db: Any) -> None:
    expected = kept_counts.expected_triggers(connection.vendor)
    found = installed_triggers(connection, sorted(expected))
    for table, names in expected.items():
        assert names <= found[table], table


def test_devices_are_counted_as_they_are_created_moved_and_deleted(world: Any) -> None:
    pump = DeviceModelFactory()
    devices = [DeviceFactory(owner=world.berg, model=pump) for _ in range(3)]
    DeviceFactory(owner=world.ostersund, model=pump, status=DeviceStatus.BLOCKED)
    assert kept() == live()
    assert kept()[(world.berg.pk, DeviceStatus.IN_USE, False)] == 3

    devices[0].status = DeviceStatus.BLOCKED
    devices[0].save()
    assert kept() == live()

    devices[1].owner = world.ostersund
    devices[1].save()
    assert kept() == live()

    Device.objects.filter(owner=world.berg).update(status=DeviceStatus.SCRAPPED)  # leaves the register
    assert kept() == live()
    assert kept()[(world.berg.pk, DeviceStatus.SCRAPPED, False)] == 2

    devices[2].delete()
    assert kept() == live()


def test_a_model_that_turns_assistive_moves_its_devices_counts(world: Any) -> None:
    lift = DeviceModelFactory()
    DeviceFactory(owner=world.berg, model=lift)
    DeviceFactory(owner=world.berg, model=lift, status=DeviceStatus.IN_STOCK)
    DeviceModel.objects.filter(pk=lift.pk).update(is_assistive=True)
    assert kept() == live()
    assert kept()[(world.berg.pk, DeviceStatus.IN_STOCK, True)] == 1

    other = DeviceModelFactory()
    Device.objects.filter(owner=world.berg).update(model=other)
    assert kept() == live()


def test_imported_devices_are_counted(world: Any) -> None:
    DeviceModelFactory(manufacturer__name="Braun", name="Infusomat Space")
    world.berg.short_code = "BERG"
    world.berg.save()
    text = "asset_number;model;owner\nA-1;Infusomat Space;BERG\nA-2;Infusomat Space;BERG\n"
    report = import_devices(user=world.admin, data=text.encode(), filename="devices.csv")
    assert report.ok, report.errors
    assert kept() == live()
    assert kept()[(world.berg.pk, DeviceStatus.IN_USE, False)] == 2


def test_rebuild_recomputes_the_counts_from_the_register(world: Any) -> None:
    DeviceFactory(owner=world.berg)
    DeviceFactory(owner=MunicipalityFactory())
    DeviceCount.objects.update(n=99)
    kept_counts.rebuild(connection)
    assert kept() == live()


def test_the_counts_read_through_the_users_scope(world: Any) -> None:
    DeviceFactory(owner=world.berg)
    DeviceFactory(owner=world.foreign)
    seen = {row.owner_id for row in DeviceCount.objects.visible_to(world.admin).filter(n__gt=0)}
    assert seen == {world.berg.pk}


def test_emptying_the_tables_in_any_order_leaves_no_counts(world: Any) -> None:
    """As a flush does on SQLite (a DELETE per table, in no set order; PostgreSQL truncates all)."""
    DeviceFactory(owner=world.berg)
    DeviceCount.objects.all().delete()
    Device.objects.all().delete()
    assert not DeviceCount.objects.exists()
