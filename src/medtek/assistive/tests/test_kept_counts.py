"""The kept item counts (items per article, owner and device status) follow the items and their devices,
and the centre's stock per article reads them."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Count

from medtek.assistive import kept_counts, selectors, services
from medtek.assistive.models import Item, ItemCount
from medtek.inventory.choices import DeviceStatus
from medtek.inventory.models import Device
from medtek.inventory.tests.factories import DeviceFactory
from medtek.organizations.rules import Cap
from medtek.organizations.tests.factories import MunicipalityFactory

Key = tuple[int, int, str]


def live() -> dict[Key, int]:
    rows = Item.objects.values("article_id", "device__owner_id", "device__status").annotate(n=Count("pk"))
    return {(r["article_id"], r["device__owner_id"], r["device__status"]): r["n"] for r in rows.order_by()}


def kept() -> dict[Key, int]:
    assert not ItemCount.objects.filter(n__lt=0).exists()
    rows = ItemCount.objects.filter(n__gt=0).values_list("article_id", "owner_id", "status", "n")
    return {(article, owner, status): n for article, owner, status, n in rows}


def stock(user: Any) -> dict[str, tuple[int, int, int, int]]:
    return {
        line.article.name: (line.in_stock, line.on_loan, line.reconditioning, line.out_of_use)
        for line in selectors.stock_per_article(user=user)
    }


def test_the_triggers_are_in_place_after_all_migrations(db: Any) -> None:
    from medtek.core.kept_counts import installed_triggers

    expected = kept_counts.expected_triggers(connection.vendor)
    found = installed_triggers(connection, sorted(expected))
    for table, names in expected.items():
        assert names <= found[table], table


def test_new_items_are_in_stock_per_article(hmc_world: Any) -> None:
    assert kept() == live()
    assert stock(hmc_world.hmc) == {"Personlyft, mobil": (3, 0, 0, 0)}
    services.item_add(user=hmc_world.hmc, article=hmc_world.lift, asset_number="HMC-T9")
    assert kept() == live()
    assert stock(hmc_world.hmc) == {"Personlyft, mobil": (4, 0, 0, 0)}


def test_an_items_count_follows_its_devices_status_and_owner(hmc_world: Any) -> None:
    first, second, third = (item.device for item in hmc_world.items)
    Device.objects.filter(pk=first.pk).update(status=DeviceStatus.ON_LOAN)
    Device.objects.filter(pk=second.pk).update(status=DeviceStatus.RECONDITIONING)
    assert kept() == live()
    assert stock(hmc_world.hmc) == {"Personlyft, mobil": (1, 1, 1, 0)}

    third.status = DeviceStatus.BLOCKED
    third.save()
    assert stock(hmc_world.hmc) == {"Personlyft, mobil": (0, 1, 1, 1)}

    Device.objects.filter(pk=first.pk).update(owner=MunicipalityFactory())
    assert kept() == live()
    assert stock(hmc_world.hmc) == {"Personlyft, mobil": (0, 0, 1, 1)}  # no longer the centre's


def test_an_item_moved_to_another_device_or_deleted_is_counted_again(hmc_world: Any) -> None:
    item = hmc_world.items[0]
    spare = DeviceFactory(
        owner=hmc_world.centre, model=hmc_world.lift.device_model, status=DeviceStatus.ON_LOAN
    )
    Item.objects.filter(pk=item.pk).update(device=spare)
    assert kept() == live()
    assert stock(hmc_world.hmc) == {"Personlyft, mobil": (2, 1, 0, 0)}

    Item.objects.filter(pk=item.pk).delete()
    assert kept() == live()
    assert stock(hmc_world.hmc) == {"Personlyft, mobil": (2, 0, 0, 0)}


def test_rebuild_recomputes_the_counts_from_the_items(hmc_world: Any) -> None:
    ItemCount.objects.update(n=7)
    kept_counts.rebuild(connection)
    assert kept() == live()


def test_stock_is_read_only_for_the_centres_the_user_manages(hmc_world: Any) -> None:
    assert stock(hmc_world.mth_admin) == {}
    rows = ItemCount.objects.visible_to(hmc_world.prescriber_user, Cap.ASSISTIVE_MANAGE).filter(n__gt=0)
    assert not rows.exists()


def test_an_item_written_before_its_device_is_counted_once(hmc_world: Any) -> None:
    """As a restore with deferred foreign keys may write them: the device's trigger counts the item."""
    device = hmc_world.items[0].device

    def row(table: str, pk: int) -> tuple[list[str], tuple[Any, ...]]:
        with connection.cursor() as cur:
            cur.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])
            return [d[0] for d in cur.description], cur.fetchone()

    item_row, device_row = row("assistive_item", hmc_world.items[0].pk), row("inventory_device", device.pk)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM assistive_item WHERE id = %s", [hmc_world.items[0].pk])
        cur.execute("DELETE FROM inventory_device WHERE id = %s", [device.pk])
        assert stock(hmc_world.hmc) == {"Personlyft, mobil": (2, 0, 0, 0)}
        for table, (columns, values) in (("assistive_item", item_row), ("inventory_device", device_row)):
            marks = ", ".join(["%s"] * len(columns))
            cur.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", list(values))
    assert kept() == live()
    assert stock(hmc_world.hmc) == {"Personlyft, mobil": (3, 0, 0, 0)}
