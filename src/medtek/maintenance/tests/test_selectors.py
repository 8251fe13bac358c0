"""The work-order list's filters and sort, shared by the API and the page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from medtek.inventory.tests.factories import DeviceFactory

pytestmark = pytest.mark.django_db


def test_work_orders_filter_by_technician_and_sort_by_due_date(world: Any) -> None:
    from medtek.maintenance.models import WorkOrder
    from medtek.maintenance.selectors import WorkOrderFilter, work_order_list

    device = DeviceFactory(owner=world.berg)
    late = WorkOrder.objects.create(
        number="PM-2", kind="pm", title="FU", device=device, customer=world.berg, due_date=dt.date(2026, 3, 1)
    )
    early = WorkOrder.objects.create(
        number="PM-1",
        kind="pm",
        title="FU",
        device=device,
        customer=world.berg,
        due_date=dt.date(2026, 2, 1),
        assigned_to=world.tech,
    )
    by_due = work_order_list(user=world.admin, filters=WorkOrderFilter.from_params({"sort": "due"}))
    assert [wo.pk for wo in by_due.items] == [early.pk, late.pk]
    latest = work_order_list(user=world.admin, filters=WorkOrderFilter.from_params({"sort": "-due"}), limit=1)
    assert [wo.pk for wo in latest.items] == [late.pk]
    following = work_order_list(
        user=world.admin, filters=WorkOrderFilter.from_params({"sort": "-due"}), cursor=latest.next_cursor
    )
    assert [wo.pk for wo in following.items] == [early.pk]
    mine = work_order_list(
        user=world.admin, filters=WorkOrderFilter.from_params({"technician": str(world.tech.pk)})
    )
    assert [wo.pk for wo in mine.items] == [early.pk]


def test_the_work_order_page_keeps_its_filters_in_the_url(world: Any) -> None:
    from django.test import Client

    client = Client()
    client.force_login(world.admin)
    query = {"customer": world.berg.pk, "technician": world.tech.pk, "sort": "due"}
    page = client.get("/maintenance/", query)
    html = page.content.decode()
    assert page.status_code == 200
    assert f'<option value="{world.tech.pk}" selected>' in html
    assert f"?customer={world.berg.pk}&amp;technician={world.tech.pk}&amp;sort=-due" in html


def test_a_bulk_fu_interval_sets_each_devices_interval_and_next_due_with_an_event(world: Any) -> None:
    from medtek.core.models import Event
    from medtek.inventory import bulk
    from medtek.inventory.filters import DeviceFilter
    from medtek.maintenance import services
    from medtek.maintenance.choices import EventKind
    from medtek.maintenance.models import DevicePMState

    devices = [DeviceFactory(owner=world.berg, asset_number=f"FU{i}") for i in range(3)]
    services.pm_state_set(user=world.admin, device=devices[0], last_done=dt.date(2026, 1, 10))
    changed = bulk.devices_set_pm_interval(user=world.admin, filters=DeviceFilter(q="FU"), months=6)
    assert changed == 3
    states = {s.device_id: s for s in DevicePMState.objects.filter(device__in=devices)}
    assert {s.interval_months for s in states.values()} == {6}
    assert states[devices[0].pk].next_due == dt.date(2026, 7, 10)
    events = Event.objects.filter(kind=EventKind.PM_STATE_SET, data__bulk=True)
    assert sorted(e.device_id for e in events) == sorted(d.pk for d in devices)
    bulk.devices_set_pm_interval(user=world.admin, filters=DeviceFilter(q="FU"), months=None)
    assert DevicePMState.objects.get(device=devices[0]).next_due == dt.date(2027, 1, 10)
