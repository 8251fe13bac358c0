"""A failed check keeps the device out of use: the FU is done but not approved, its clock stays, a repair
work order (AU) follows, and only a later passed check or an MT admin's override puts the device back."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from medtek.core.dates import add_months
from medtek.core.models import Event
from medtek.inventory import services as register
from medtek.inventory.choices import DeviceStatus
from medtek.inventory.importer import import_devices
from medtek.inventory.models import Device
from medtek.inventory.tests.factories import DeviceFactory, DeviceModelFactory
from medtek.maintenance import selectors, services
from medtek.maintenance.choices import WorkOrderKind, WorkOrderStatus
from medtek.maintenance.models import DevicePMState, ProtocolRecord, WorkOrder

pytestmark = pytest.mark.django_db

LAST_PM = dt.date(2025, 1, 15)
BLOCKED_MESSAGE = (
    "The device failed Electrical safety ({day}) and stays out of use until a later check passes "
    "or an MT admin overrides the block with a reason."
)


@pytest.fixture
def pump(world: Any) -> Device:
    """An infusion pump due for FU (last PM over a year ago), whose model has an electrical safety check."""
    model = DeviceModelFactory(name="Volumat", pm_interval_months=12)
    services.protocol_template_create(
        user=world.admin,
        code="ES",
        name="Electrical safety",
        items=[
            {"kind": "check", "label": "Visual inspection"},
            {"kind": "measure", "label": "Protective earth", "unit": "Ω", "upper_limit": "0.3"},
        ],
        device_models=[model],
    )
    device = DeviceFactory(owner=world.berg, model=model, asset_number="PUMP-1")
    services.pm_state_set(user=world.admin, device=device, last_done=LAST_PM)
    return device


def _fu(world: Any, device: Device) -> WorkOrder:
    services.plan_maintenance(user=world.admin, horizon_days=30)
    wo = WorkOrder.objects.get(device=device, kind=WorkOrderKind.PM)
    return services.work_order_start(user=world.tech, work_order=wo)


def _record(world: Any, wo: WorkOrder, earth: str) -> ProtocolRecord:
    rec = wo.protocol_records.get()
    items = {i.label: i.pk for i in rec.template.items.all()}
    answers = {
        items["Visual inspection"]: {"checked": True},
        items["Protective earth"]: {"value": earth, "unit": "Ω"},
    }
    return services.protocol_record(user=world.tech, record=rec, results=answers)


@pytest.fixture
def failed_fu(world: Any, pump: Device) -> WorkOrder:
    """The FU whose electrical safety check failed (0.9 Ω protective earth), closed with "Avsluta"."""
    wo = _fu(world, pump)
    _record(world, wo, "0.9")
    return services.work_order_close(user=world.tech, work_order=wo)


def _english_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _today_message() -> str:
    return BLOCKED_MESSAGE.format(day=timezone.localdate().isoformat())


def test_failed_check_blocks_the_device(world: Any, pump: Device) -> None:
    wo = _fu(world, pump)
    _record(world, wo, "0.9")
    assert Device.objects.get(pk=pump.pk).status == DeviceStatus.BLOCKED


def test_an_fu_closed_after_a_failed_check_is_done_but_not_approved(failed_fu: WorkOrder) -> None:
    failed_fu.refresh_from_db()
    assert (failed_fu.status, failed_fu.approved) == (WorkOrderStatus.CLOSED, False)


def test_an_fu_with_a_passed_check_is_approved(world: Any, pump: Device) -> None:
    wo = _fu(world, pump)
    _record(world, wo, "0.1")
    wo = services.work_order_close(user=world.tech, work_order=wo)
    assert wo.approved is True
    assert not wo.follow_ups.exists()


def test_a_not_approved_fu_does_not_move_the_pm_clock(failed_fu: WorkOrder) -> None:
    state = DevicePMState.objects.get(device_id=failed_fu.device_id)
    assert (state.last_done, state.next_due) == (LAST_PM, add_months(LAST_PM, 12))


def test_a_failed_check_gets_a_linked_repair_work_order(failed_fu: WorkOrder) -> None:
    repair = WorkOrder.objects.get(origin=failed_fu)
    assert (repair.kind, repair.status, repair.device_id) == (
        WorkOrderKind.CM,
        WorkOrderStatus.REPORTED,
        failed_fu.device_id,
    )
    assert repair.title == "Repair after failed check: Electrical safety"
    assert repair.number.startswith("AU-")


def test_the_planner_does_not_plan_the_failed_fu_again(world: Any, failed_fu: WorkOrder) -> None:
    run = services.plan_maintenance(user=world.admin, horizon_days=30)
    assert run.work_orders_created == 0


def test_a_plain_status_change_cannot_put_the_blocked_device_back_in_use(
    world: Any, failed_fu: WorkOrder
) -> None:
    device = Device.objects.get(pk=failed_fu.device_id)
    with pytest.raises(ValidationError) as exc:
        register.device_change_status(user=world.admin, device=device, status=DeviceStatus.IN_USE)
    assert exc.value.message_dict == {"status": [_today_message()]}
    assert Device.objects.get(pk=device.pk).status == DeviceStatus.BLOCKED


def test_nor_can_a_detour_through_under_repair(world: Any, failed_fu: WorkOrder) -> None:
    device = Device.objects.get(pk=failed_fu.device_id)
    register.device_change_status(user=world.tech, device=device, status=DeviceStatus.UNDER_REPAIR)
    with pytest.raises(ValidationError):
        register.device_change_status(user=world.tech, device=device, status=DeviceStatus.IN_USE)


def test_the_register_api_refuses_to_put_the_blocked_device_in_use(world: Any, failed_fu: WorkOrder) -> None:
    client = _english_client(world.admin)
    response = client.post(
        f"/api/v1/devices/{failed_fu.device_id}/status",
        data=json.dumps({"status": "in_use"}),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert _today_message() in response.content.decode()
    assert Device.objects.get(pk=failed_fu.device_id).status == DeviceStatus.BLOCKED


def test_the_register_page_refuses_to_put_the_blocked_device_in_use(world: Any, failed_fu: WorkOrder) -> None:
    client = _english_client(world.admin)
    response = client.post(f"/devices/{failed_fu.device_id}/status/", {"status": "in_use", "reason": "fixed"})
    assert Device.objects.get(pk=failed_fu.device_id).status == DeviceStatus.BLOCKED
    assert "stays out of use until a later check passes" in response.content.decode()


def test_an_import_cannot_put_the_blocked_device_in_use(world: Any, failed_fu: WorkOrder) -> None:
    device = Device.objects.get(pk=failed_fu.device_id)
    data = f"asset_number;model;owner;status\n{device.asset_number};Volumat;{world.berg.short_code};in_use\n"
    report = import_devices(user=world.admin, data=data.encode(), filename="d.csv")
    assert not report.ok
    assert Device.objects.get(pk=device.pk).status == DeviceStatus.BLOCKED


def test_the_repair_rechecks_and_a_pass_puts_the_device_back_in_use_and_moves_the_clock(
    world: Any, failed_fu: WorkOrder
) -> None:
    repair = services.work_order_start(user=world.tech, work_order=WorkOrder.objects.get(origin=failed_fu))
    _record(world, repair, "0.1")
    assert Device.objects.get(pk=failed_fu.device_id).status == DeviceStatus.IN_USE
    repair = services.work_order_close(user=world.tech, work_order=repair)
    assert repair.approved is True
    state = DevicePMState.objects.get(device_id=failed_fu.device_id)
    assert (state.last_done, state.next_due) == (
        timezone.localdate(),
        add_months(timezone.localdate(), 12),
    )


def test_a_failed_recheck_keeps_the_device_blocked(world: Any, failed_fu: WorkOrder) -> None:
    repair = services.work_order_start(user=world.tech, work_order=WorkOrder.objects.get(origin=failed_fu))
    _record(world, repair, "0.8")
    assert Device.objects.get(pk=failed_fu.device_id).status == DeviceStatus.BLOCKED


def test_an_mt_admin_override_needs_a_reason(world: Any, failed_fu: WorkOrder) -> None:
    with pytest.raises(ValidationError) as exc:
        services.device_block_override(user=world.admin, device=failed_fu.device_id, reason="  ")
    assert exc.value.message_dict == {
        "reason": ["Give the reason for putting the device back in use without a passed check."]
    }
    assert Device.objects.get(pk=failed_fu.device_id).status == DeviceStatus.BLOCKED


def test_a_technician_cannot_override_the_block(world: Any, failed_fu: WorkOrder) -> None:
    with pytest.raises(PermissionDenied):
        services.device_block_override(user=world.tech, device=failed_fu.device_id, reason="Needed now")


def test_an_mt_admin_override_puts_the_device_back_in_use_as_its_own_event(
    world: Any, failed_fu: WorkOrder
) -> None:
    device = services.device_block_override(
        user=world.admin, device=failed_fu.device_id, reason="Earth bond re-measured with calibrated meter"
    )
    assert device.status == DeviceStatus.IN_USE
    event = Event.objects.get(kind="qc.block_overridden", device_id=device.pk)
    assert event.data["reason"] == "Earth bond re-measured with calibrated meter"
    assert event.actor_id == world.admin.pk
    rec = ProtocolRecord.objects.get(work_order=failed_fu)
    assert (rec.overridden_by_id, rec.override_reason) == (
        world.admin.pk,
        "Earth bond re-measured with calibrated meter",
    )


def test_override_of_a_device_no_check_blocks_is_refused(world: Any, pump: Device) -> None:
    with pytest.raises(ValidationError) as exc:
        services.device_block_override(user=world.admin, device=pump.pk, reason="x")
    assert exc.value.message_dict == {"device": ["No failed check keeps this device out of use."]}


def test_the_override_api_needs_a_reason_and_then_releases_the_device(
    world: Any, failed_fu: WorkOrder
) -> None:
    client = _english_client(world.admin)
    url = f"/api/v1/maintenance/devices/{failed_fu.device_id}/override-block"
    refused = client.post(url, data=json.dumps({"reason": ""}), content_type="application/json")
    assert refused.status_code == 422
    body = json.dumps({"reason": "Spare unit unavailable"})
    done = client.post(url, data=body, content_type="application/json")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "in_use"


def test_key_figures_count_the_failed_fu_as_done_but_not_on_time_and_approved(
    world: Any, failed_fu: WorkOrder
) -> None:
    due = timezone.localdate()
    WorkOrder.objects.filter(pk=failed_fu.pk).update(due_date=due)  # done by its due date
    figures = selectors.key_figures(user=world.admin, customer_id=world.berg.pk, start=due, end=due)
    counts = ("pm_due", "pm_done", "pm_not_approved", "pm_done_on_time")
    assert [figures[name] for name in counts] == [1, 1, 1, 0]
    assert figures["pm_completion_rate"] == 0


def test_a_device_with_no_failed_check_changes_status_freely(world: Any, pump: Device) -> None:
    device = register.device_change_status(user=world.admin, device=pump, status=DeviceStatus.BLOCKED)
    device = register.device_change_status(user=world.admin, device=device, status=DeviceStatus.IN_USE)
    assert device.status == DeviceStatus.IN_USE


def test_the_follow_up_counts_the_failed_fu_as_done_but_not_in_time(world: Any, failed_fu: WorkOrder) -> None:
    from medtek.agreements.tests.factories import AgreementFactory
    from medtek.reports.followup import followup

    WorkOrder.objects.filter(pk=failed_fu.pk).update(due_date=timezone.localdate())  # done by its due date
    agreement = AgreementFactory(provider=world.mt, customers=[world.berg])
    report = followup(user=world.admin, agreement_id=agreement.pk, year=timezone.localdate().year)
    berg = next(row for row in report["rows"] if row["customer"] == world.berg)
    assert (berg["pm_done"], berg["pm_on_time"]) == (1, 0)


def test_the_follow_up_counts_an_approved_fu_in_time(world: Any, pump: Device) -> None:
    from medtek.agreements.tests.factories import AgreementFactory
    from medtek.reports.followup import followup

    wo = _fu(world, pump)
    _record(world, wo, "0.1")
    wo = services.work_order_close(user=world.tech, work_order=wo)
    WorkOrder.objects.filter(pk=wo.pk).update(due_date=timezone.localdate())
    agreement = AgreementFactory(provider=world.mt, customers=[world.berg])
    report = followup(user=world.admin, agreement_id=agreement.pk, year=timezone.localdate().year)
    berg = next(row for row in report["rows"] if row["customer"] == world.berg)
    assert (berg["pm_done"], berg["pm_on_time"]) == (1, 1)


def test_a_bulk_status_change_keeps_a_blocked_device_out_of_use(world: Any, failed_fu: WorkOrder) -> None:
    from medtek.core.models import Event
    from medtek.inventory import bulk
    from medtek.inventory.filters import DeviceFilter

    other = DeviceFactory(owner=world.berg, asset_number="PUMP-2", status=DeviceStatus.OUT_OF_SERVICE)
    events = Event.objects.count()
    with pytest.raises(ValidationError) as exc:
        bulk.devices_change_status(
            user=world.admin, filters=DeviceFilter(q="PUMP"), status=DeviceStatus.IN_USE, reason="Back"
        )
    assert exc.value.message_dict["status"] == [
        "1 device is blocked from use by a failed check until a later check passes: PUMP-1."
    ]
    assert Device.objects.get(asset_number="PUMP-1").status == DeviceStatus.BLOCKED
    assert Device.objects.get(pk=other.pk).status == DeviceStatus.OUT_OF_SERVICE
    assert Event.objects.count() == events
