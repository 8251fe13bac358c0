"""The kept months of the key figures equal the live computation after every kind of change to work."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models.functions import TruncMonth
from django.utils import timezone

from medtek.core.dates import add_months
from medtek.inventory import services as register
from medtek.inventory.models import Device
from medtek.inventory.tests.factories import DeviceFactory, DeviceModelFactory
from medtek.maintenance import bulk, key_figures, key_figures_rollup, services
from medtek.maintenance.choices import WorkOrderKind, WorkOrderStatus
from medtek.maintenance.models import KeyFigureMonth, WorkOrder
from medtek.maintenance.tests.factories import DEFAULT_CM_LEVELS
from medtek.organizations.choices import Role
from medtek.organizations.tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def _live(
    user: Any, start: dt.date, end: dt.date, now: dt.datetime
) -> dict[tuple[int, dt.date], dict[str, Any]]:
    """The figures per customer and month, read from the work orders themselves."""
    out: dict[tuple[int, dt.date], dict[str, Any]] = {}
    pm = key_figures.pm_due_in(user=user, start=start, end=end).annotate(m=TruncMonth("due_date"))
    cm = key_figures.cm_reported_in(user=user, start=start, end=end).annotate(m=TruncMonth("reported_at"))
    queries = (
        pm.values("customer_id", "m").annotate(**key_figures.pm_aggregates()),
        cm.values("customer_id", "m").annotate(**key_figures.cm_aggregates(now)),
    )
    for query in queries:
        for r in query.order_by():
            out.setdefault((r.pop("customer_id"), key_figures._month(r.pop("m"))), {}).update(r)
    return out


def _kept(
    user: Any, start: dt.date, end: dt.date, now: dt.datetime
) -> dict[tuple[int, dt.date], dict[str, Any]]:
    rows = key_figures_rollup.kept_months(user=user, start=start, end=end, now=now, customer_ids=None)
    return {(c, m): values for c, m, values in rows}


def assert_kept_equals_live(user: Any) -> None:
    now = timezone.now()
    this_month = timezone.localdate().replace(day=1)
    start, end = add_months(this_month, -13), add_months(this_month, 2)
    live = _live(user, start, add_months(end, 1) - dt.timedelta(days=1), now)
    kept = _kept(user, start, end, now)
    assert set(kept) == set(live)
    for key, values in live.items():
        names = set(values) | set(kept[key])
        assert {n: kept[key].get(n) or 0 for n in names} == {n: values.get(n) or 0 for n in names}, key


@pytest.fixture(autouse=True)
def priorities(world: Any) -> None:
    services.cm_model_save(user=world.admin, levels=DEFAULT_CM_LEVELS)


@pytest.fixture
def pump(world: Any) -> Device:
    """A pump due for FU whose model has an electrical safety check (a failed one is not approved)."""
    model = DeviceModelFactory(name="Volumat", pm_interval_months=12)
    services.protocol_template_create(
        user=world.admin,
        code="ES",
        name="Electrical safety",
        items=[{"kind": "measure", "label": "Protective earth", "unit": "Ω", "upper_limit": "0.3"}],
        device_models=[model],
    )
    device = DeviceFactory(owner=world.berg, model=model, asset_number="PUMP-1")
    services.pm_state_set(user=world.admin, device=device, last_done=add_months(timezone.localdate(), -12))
    return device


def _planned_fu(world: Any, device: Device) -> WorkOrder:
    services.plan_maintenance(user=world.admin, horizon_days=30)
    return WorkOrder.objects.get(device=device, kind=WorkOrderKind.PM)


def _fault(world: Any, device: Device) -> WorkOrder:
    return services.work_order_report(user=world.admin, kind=WorkOrderKind.CM, title="Larmar", device=device)


def test_a_planning_run_counts_its_fu_in_their_months(world: Any, pump: Device) -> None:
    wo = _planned_fu(world, pump)
    month = KeyFigureMonth.objects.get(customer=world.berg, month=wo.due_date.replace(day=1))
    assert (month.pm_due, month.pm_done) == (1, 0)
    assert_kept_equals_live(world.admin)


def test_a_reported_fault_counts_and_its_targets_are_measured_once_passed(world: Any, pump: Device) -> None:
    wo = _fault(world, pump)
    assert_kept_equals_live(world.admin)
    services.work_order_triage(user=world.admin, work_order=wo, priority="P1")
    assert KeyFigureMonth.objects.get(customer=world.berg).cm_response_pending == 1
    assert_kept_equals_live(world.admin)


def test_completed_and_closed_work_counts_as_done(world: Any, pump: Device) -> None:
    fu = _planned_fu(world, pump)
    au = _fault(world, DeviceFactory(owner=world.berg))
    services.work_order_triage(user=world.admin, work_order=au, priority="P2")
    for wo in (fu, au):
        services.work_order_start(user=world.tech, work_order=wo)
        if wo.kind == WorkOrderKind.PM:
            rec = wo.protocol_records.get()
            item = rec.template.items.get()
            services.protocol_record(
                user=world.tech, record=rec, results={item.pk: {"value": "0.1", "unit": "Ω"}}
            )
        services.work_order_close(user=world.tech, work_order=wo)
    fu_month = KeyFigureMonth.objects.get(customer=world.berg, month=fu.due_date.replace(day=1))
    assert (fu_month.pm_done, fu_month.pm_done_on_time) == (1, 1)
    assert_kept_equals_live(world.admin)


def test_a_failed_check_counts_the_fu_done_not_approved_and_its_repair(world: Any, pump: Device) -> None:
    fu = services.work_order_start(user=world.tech, work_order=_planned_fu(world, pump))
    rec = fu.protocol_records.get()
    item = rec.template.items.get()
    services.protocol_record(user=world.tech, record=rec, results={item.pk: {"value": "0.9", "unit": "Ω"}})
    services.work_order_complete(user=world.tech, work_order=fu)
    fu_month = KeyFigureMonth.objects.get(customer=world.berg, month=fu.due_date.replace(day=1))
    assert (fu_month.pm_done, fu_month.pm_not_approved, fu_month.pm_done_on_time) == (1, 1, 0)
    assert_kept_equals_live(world.admin)


def test_reopened_work_is_no_longer_done(world: Any, pump: Device) -> None:
    au = _fault(world, pump)
    services.work_order_start(user=world.tech, work_order=au)
    services.work_order_complete(user=world.tech, work_order=au)
    services.work_order_set_status(user=world.tech, work_order=au, status=WorkOrderStatus.IN_PROGRESS)
    assert_kept_equals_live(world.admin)


def test_cancelled_work_no_longer_counts(world: Any, pump: Device) -> None:
    fu = _planned_fu(world, pump)
    au = _fault(world, pump)
    for wo in (fu, au):
        services.work_order_set_status(user=world.admin, work_order=wo, status=WorkOrderStatus.CANCELLED)
    assert not KeyFigureMonth.objects.filter(customer=world.berg).exists()
    assert_kept_equals_live(world.admin)


def test_corrective_work_in_bulk_counts(world: Any) -> None:
    devices = [DeviceFactory(owner=world.berg), DeviceFactory(owner=world.ostersund)]
    bulk.work_orders_create_corrective(
        user=world.admin, device_ids=[d.pk for d in devices], number_prefix="AU-FSN-", title="FSN"
    )
    this_month = timezone.localdate().replace(day=1)
    counts = dict(KeyFigureMonth.objects.filter(month=this_month).values_list("customer__name", "cm_count"))
    assert counts == {"Bergs kommun": 1, "Östersunds kommun": 1}
    assert_kept_equals_live(world.admin)


def test_moving_a_device_leaves_its_work_with_the_customer_it_was_done_for(world: Any, pump: Device) -> None:
    """Work counts for the customer it was done for, so a device changing owner moves no figure."""
    _planned_fu(world, pump)
    _fault(world, pump)
    register.device_change_owner(user=world.admin, device=pump, owner=world.ostersund)
    assert set(WorkOrder.objects.values_list("customer__name", flat=True)) == {"Bergs kommun"}
    assert_kept_equals_live(world.admin)


def test_rebuild_writes_what_the_services_kept(world: Any, pump: Device) -> None:
    _planned_fu(world, pump)
    _fault(world, pump)
    kept = sorted(KeyFigureMonth.objects.values_list("customer_id", "month", "pm_due", "cm_count"))
    key_figures_rollup.rebuild()
    assert sorted(KeyFigureMonth.objects.values_list("customer_id", "month", "pm_due", "cm_count")) == kept


def test_the_table_over_whole_months_equals_the_live_figures(world: Any, pump: Device) -> None:
    """A period of whole months reads the kept months; the same figures as a period cut by a day."""
    au = _fault(world, pump)
    services.work_order_triage(user=world.admin, work_order=au, priority="P1")
    services.work_order_start(user=world.tech, work_order=au)
    services.work_order_complete(user=world.tech, work_order=au)
    month = timezone.localdate().replace(day=1)
    whole = key_figures.by_customer(
        user=world.admin, start=month, end=add_months(month, 1) - dt.timedelta(days=1)
    )
    live = key_figures.by_customer(
        user=world.admin, start=month, end=add_months(month, 1) - dt.timedelta(days=2)
    )
    assert key_figures.whole_months(month, add_months(month, 1) - dt.timedelta(days=2))[0] is None
    fields = [*key_figures.COUNTS, "cm_repair_time"]
    assert [whole["total"][f] for f in fields] == [live["total"][f] for f in fields]
    assert whole["total"]["cm_count"] == 1


def test_hmc_staff_count_only_the_assistive_devices_work(world: Any) -> None:
    hmc = user_with_role(world.mt, Role.HMC_STAFF, username="hmc")
    assistive = DeviceFactory(owner=world.berg, model=DeviceModelFactory(is_assistive=True))
    _fault(world, assistive)
    _fault(world, DeviceFactory(owner=world.berg))
    rows = KeyFigureMonth.objects.filter(customer=world.berg)
    assert sorted(rows.values_list("assistive", "cm_count")) == [(False, 1), (True, 1)]
    month = timezone.localdate().replace(day=1)
    kept = _kept(hmc, month, month, timezone.now())
    assert kept[(world.berg.pk, month)]["cm_count"] == 1
    assert_kept_equals_live(hmc)
    assert_kept_equals_live(world.admin)
