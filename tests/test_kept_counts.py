"""The kept counts of devices and items equal a live count after the demo is loaded through the services
and after its rows are written back by the test snapshot (tables in dependency order, counts left to
the triggers)."""

from __future__ import annotations

import sys
from typing import Any

from django.db.models import Count

from medtek.assistive.models import Item, ItemCount
from medtek.inventory.models import Device, DeviceCount


def live() -> tuple[dict[Any, int], dict[Any, int]]:
    devices = Device.objects.values("owner_id", "status", "model__is_assistive").annotate(n=Count("pk"))
    items = Item.objects.values("article_id", "device__owner_id", "device__status").annotate(n=Count("pk"))
    return (
        {(r["owner_id"], r["status"], r["model__is_assistive"]): r["n"] for r in devices.order_by()},
        {(r["article_id"], r["device__owner_id"], r["device__status"]): r["n"] for r in items.order_by()},
    )


def kept() -> tuple[dict[Any, int], dict[Any, int]]:
    devices = DeviceCount.objects.exclude(n=0).values_list("owner_id", "status", "is_assistive", "n")
    items = ItemCount.objects.exclude(n=0).values_list("article_id", "owner_id", "status", "n")
    return {(a, b, c): n for a, b, c, n in devices}, {(a, b, c): n for a, b, c, n in items}


def _snapshot() -> Any:
    holder = next((m for m in list(sys.modules.values()) if hasattr(m, "_DEMO_SNAPSHOT")), None)
    return getattr(holder, "_DEMO_SNAPSHOT", None)


def test_the_demo_loaded_through_the_services_is_counted(demo: Any) -> None:
    devices, items = kept()
    assert (devices, items) == live()
    assert devices and items


def test_the_demo_written_back_from_the_snapshot_is_counted_once(demo: Any) -> None:
    # In a process that already loaded the demo (the test above), this one's demo is the written-back
    # snapshot: every table's rows in one insert each, items and devices in any order of arrival.
    devices, items = kept()
    assert (devices, items) == live()
    assert devices and items


def test_the_snapshot_leaves_the_kept_counts_to_the_triggers(demo: Any) -> None:
    snapshot = _snapshot()
    if snapshot is not None:
        assert "inventory_devicecount" not in snapshot.rows
        assert "assistive_itemcount" not in snapshot.rows
        assert "inventory_device" in snapshot.rows and "assistive_item" in snapshot.rows
