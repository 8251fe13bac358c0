"""The issue's acceptance flow on the demo data, as a new user would run it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from medtek.core.dates import add_months
from medtek.inventory.choices import DeviceStatus
from medtek.inventory.models import Device
from medtek.maintenance import selectors, services
from medtek.maintenance.demo import passing_answers
from medtek.maintenance.models import DevicePMState, WorkOrder
from medtek.maintenance.planner import NOT_PLANNED

pytestmark = pytest.mark.django_db


def plan() -> str:
    out = StringIO()
    call_command("plan-maintenance", "--horizon", "30d", stdout=out)
    return out.getvalue()


def test_planner_creates_the_pm_due_in_30_days_and_a_second_run_none(demo):
    end = timezone.localdate() + dt.timedelta(days=30)
    due = (
        DevicePMState.objects.filter(
            next_due__lte=end,
            device__maintenance_responsibility="mt",
            device__model__mt_competence=True,
        )
        .exclude(device__status__in=NOT_PLANNED)
        .count()
    )
    assert due > 0
    assert f": {due} PM work orders" in plan()
    assert WorkOrder.objects.filter(kind="pm").count() == due
    assert ": 0 PM work orders, 0 watch items" in plan()
    assert WorkOrder.objects.filter(kind="pm").count() == due


def test_pm_with_a_passed_protocol_moves_next_due_by_the_interval(demo):
    plan()
    tech = demo["users"]["mt-tech"]
    wo = WorkOrder.objects.filter(kind="pm", device__model__name="Infusomat Space").order_by("id").first()
    services.work_order_start(user=tech, work_order=wo)
    record = wo.protocol_records.get()
    assert record.template.code == "IEC62353-BF"
    services.protocol_record(user=tech, record=record, results=passing_answers(record))
    services.work_order_complete(user=tech, work_order=wo)
    state = DevicePMState.objects.get(device=wo.device)
    assert state.last_done == timezone.localdate()
    assert state.interval_months == 12  # the Infusomat Space model's own interval
    assert state.next_due == add_months(timezone.localdate(), 12)


def test_failed_protocol_blocks_the_device(demo):
    plan()
    tech = demo["users"]["mt-tech"]
    wo = WorkOrder.objects.filter(kind="pm", device__model__name="AED Plus").order_by("id").first()
    services.work_order_start(user=tech, work_order=wo)
    record = wo.protocol_records.get()
    answers = passing_answers(record)
    cf = record.template.items.get(label__startswith="Patientläckström, patientansluten del typ CF")
    answers[cf.pk] = {"value": "75", "unit": "µA"}
    services.protocol_record(user=tech, record=record, results=answers)
    assert Device.objects.get(pk=wo.device_id).status == DeviceStatus.BLOCKED


def test_berg_reports_a_fault_mt_works_and_closes_it_and_the_figures_show_it(demo):
    users = demo["users"]
    berg, admin, tech = users["berg"], users["mt-admin"], users["mt-tech"]
    device = Device.objects.filter(owner=demo["orgs"]["BERG"]).first()
    wo = services.work_order_report(user=berg, kind="cm", device=device, title="Pumpen larmar")
    services.work_order_triage(user=admin, work_order=wo, priority="P2", assigned_to=tech)
    services.work_order_start(user=tech, work_order=wo)
    today = timezone.localdate()
    services.time_entry_add(user=tech, work_order=wo, date=today, hours=Decimal("2.5"))
    services.travel_entry_add(user=tech, work_order=wo, date=today, cost=Decimal("350"))
    services.material_line_add(
        user=tech,
        work_order=wo,
        date=today,
        kind="spare_part",
        description="Door latch",
        quantity=Decimal(1),
        unit_price=Decimal("245.50"),
    )
    services.work_order_close(user=tech, work_order=wo)
    wo.refresh_from_db()
    assert wo.status == "closed"
    sla = selectors.sla(wo)
    assert sla["priority"] == "P2" and sla["response_state"] == "ok" and sla["resolution_state"] == "ok"
    figures = selectors.key_figures(user=admin, customer_id=demo["orgs"]["BERG"].pk, start=today, end=today)
    assert figures["cm_count"] == 1
    assert figures["cm_response_rate"] == Decimal("100.0")
    assert figures["cm_resolution_rate"] == Decimal("100.0")
    assert figures["mttr_hours"] is not None
