"""Every write of maintenance: priority models, PM state and planning, work orders, entries, protocols."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Model, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from medtek.core.dates import add_months
from medtek.core.events import record_event
from medtek.core.money import money
from medtek.inventory.choices import DeviceStatus
from medtek.inventory.models import Device, DeviceModel
from medtek.inventory.services import device_change_status, device_record_event
from medtek.maintenance import key_figures_rollup, planner, rules
from medtek.maintenance.choices import (
    EventKind,
    ItemKind,
    MaterialKind,
    ProtocolResult,
    TimeBasis,
    WaitingReason,
    WatchStatus,
    WorkOrderKind,
    WorkOrderStatus,
)
from medtek.maintenance.hooks import run_entry_guards, run_work_judged
from medtek.maintenance.models import (
    CMPriority,
    DevicePMState,
    MaterialLine,
    PlanRun,
    PMClass,
    ProtocolItem,
    ProtocolRecord,
    ProtocolResultLine,
    ProtocolTemplate,
    TimeEntry,
    TravelEntry,
    WatchItem,
    WorkOrder,
)
from medtek.organizations.models import Location, Organisation
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for

PREFIX = {
    WorkOrderKind.PM: "FU",
    WorkOrderKind.CM: "AU",
    WorkOrderKind.QC: "KK",
    WorkOrderKind.ADVICE: "RG",
    WorkOrderKind.OTHER: "UP",
    WorkOrderKind.RECONDITIONING: "RK",
}


def _invalid(exc: rules.RuleError) -> ValidationError:
    return ValidationError({exc.field: exc.message})


def _locked(user: Any, work_order: WorkOrder | int, capability: str) -> WorkOrder:
    pk = work_order.pk if isinstance(work_order, WorkOrder) else work_order
    return WorkOrder.objects.select_for_update().get_visible(user, capability, pk=pk)


def _event(
    wo: WorkOrder, *, kind: str, user: Any, data: Mapping[str, Any] | None = None, message: str = ""
) -> None:
    """One event: on the device's history when the work order has a device. Every service that writes
    a work order ends here, so this is also where its month's key figures are kept up to date."""
    key_figures_rollup.refresh_for([wo])
    if wo.device is not None:
        device_record_event(device=wo.device, kind=kind, actor=user, data=data, message=message, subject=wo)
    else:
        record_event(kind=kind, subject=wo, actor=user, data=data, message=message)


# --- priority models -------------------------------------------------------------------------


@transaction.atomic
def pm_model_save(*, user: Any, classes: Sequence[Mapping[str, Any]]) -> list[PMClass]:
    """Replace the PM prioritisation model (classes by EM-number band) and re-derive every device's class."""
    scope_for(user).require(Cap.CONFIG_MANAGE)
    try:
        rules.check_pm_classes(classes)
    except rules.RuleError as exc:
        raise _invalid(exc) from exc
    codes = [str(c["code"]).strip() for c in classes]
    PMClass.objects.exclude(code__in=codes).delete()
    # Ranks are unique: park the old ones out of the way before writing the new order.
    for i, old in enumerate(PMClass.objects.all()):
        old.rank = 1000 + i
        old.save(update_fields=["rank"])
    saved: list[PMClass] = []
    for i, c in enumerate(sorted(classes, key=lambda x: int(x["rank"]))):
        obj = PMClass.objects.filter(code=str(c["code"]).strip()).first() or PMClass(
            code=str(c["code"]).strip()
        )
        obj.name = str(c.get("name") or c["code"])
        obj.rank = 2000 + i
        obj.min_score, obj.max_score = int(c["min_score"]), int(c["max_score"])
        obj.interval_months = c.get("interval_months") or None
        obj.full_clean(validate_unique=False)
        obj.save()
        saved.append(obj)
    for obj, c in zip(saved, sorted(classes, key=lambda x: int(x["rank"])), strict=True):
        obj.rank = int(c["rank"])
        obj.save(update_fields=["rank"])
    planner.sync_pm_states(refresh=True)
    record_event(
        kind=EventKind.PM_MODEL_SAVED,
        subject=saved[0],
        actor=user,
        data={"classes": [dict(c) for c in classes]},
        message="PM prioritisation model saved",
    )
    return saved


@transaction.atomic
def cm_model_save(*, user: Any, levels: Sequence[Mapping[str, Any]]) -> list[CMPriority]:
    """Replace the CM priority model (P1…Pn with response and resolution targets)."""
    scope_for(user).require(Cap.CONFIG_MANAGE)
    try:
        rules.check_cm_levels(levels)
    except rules.RuleError as exc:
        raise _invalid(exc) from exc
    codes = [str(lv["code"]).strip() for lv in levels]
    gone = CMPriority.objects.exclude(code__in=codes)
    if gone.filter(work_orders__isnull=False).exists():
        raise ValidationError({"levels": _("A priority level still used by work orders cannot be removed.")})
    gone.delete()
    ordered = sorted(levels, key=lambda x: int(x["rank"]))
    for i, obj in enumerate(CMPriority.objects.all()):
        obj.rank = 1000 + i
        obj.save(update_fields=["rank"])
    saved: list[CMPriority] = []
    for lv in ordered:
        code = str(lv["code"]).strip()
        obj = CMPriority.objects.filter(code=code).first() or CMPriority(code=code)
        obj.name = str(lv.get("name") or code)
        obj.rank = int(lv["rank"])
        obj.response_hours = Decimal(str(lv["response_hours"]))
        obj.resolution_hours = Decimal(str(lv["resolution_hours"]))
        obj.time_basis = str(lv.get("time_basis") or TimeBasis.CALENDAR)
        obj.full_clean(validate_unique=False)
        obj.save()
        saved.append(obj)
    record_event(
        kind=EventKind.CM_MODEL_SAVED,
        subject=saved[0],
        actor=user,
        data={"levels": [dict(lv) for lv in levels]},
        message="CM priority model saved",
    )
    return saved


# --- PM state and planning -------------------------------------------------------------------


@transaction.atomic
def pm_state_set(
    *,
    user: Any,
    device: Device | int,
    interval_override_months: int | None = None,
    last_done: dt.date | None = None,
) -> DevicePMState:
    """Override a device's PM interval and/or record its last PM; the next-due date follows."""
    pk = device.pk if isinstance(device, Device) else device
    dev = Device.objects.select_related("model").get_visible(user, Cap.WORK_MANAGE, pk=pk)
    if interval_override_months is not None and interval_override_months <= 0:
        raise ValidationError({"interval_override_months": _("The PM interval must be at least one month.")})
    planner.sync_pm_states(device_ids=[dev.pk])
    state = DevicePMState.objects.select_for_update().get(device=dev)
    state.interval_override_months = interval_override_months
    if last_done is not None:
        state.last_done = last_done
    _recompute(state, dev)
    state.save(update_fields=PM_STATE_SET)
    device_record_event(
        device=dev,
        kind=EventKind.PM_STATE_SET,
        actor=user,
        data={
            "interval_months": state.interval_months,
            "last_done": state.last_done,
            "next_due": state.next_due,
        },
        subject=dev,
    )
    return state


@transaction.atomic
def pm_interval_set_bulk(user: Any, device_ids: list[int], months: int | None) -> int:
    """Override the PM interval of many devices at once (None: back to the model's), set-based: their PM
    states are created where missing, updated in one pass with the next-due dates, and each device gets
    its event. The register's bulk action calls this through its hook."""
    if months is not None and months <= 0:
        raise ValidationError({"months": _("The PM interval must be at least one month.")})
    if not device_ids:
        return 0
    scope = scope_for(user)
    owners = set(Device.objects.filter(pk__any_of=device_ids).values_list("owner_id", flat=True))
    for owner in owners:
        scope.require(Cap.WORK_MANAGE, owner)
    planner.sync_pm_states(device_ids=device_ids)
    for start in range(0, len(device_ids), 5000):
        chunk = device_ids[start : start + 5000]
        DevicePMState.objects.filter(device_id__any_of=chunk).update(interval_override_months=months)
    planner.sync_pm_states(device_ids=device_ids, refresh=True)
    states = DevicePMState.objects.filter(device_id__any_of=device_ids).values(
        "device_id",
        "interval_months",
        "last_done",
        "next_due",
        "device__owner_id",
        "device__location_id",
        "device__status",
    )
    from medtek.core.events import build_event, record_events
    from medtek.inventory.rules import in_register

    return record_events(
        build_event(
            kind=EventKind.PM_STATE_SET,
            subject=Device(pk=st["device_id"]),
            actor=user,
            data={
                "interval_months": st["interval_months"],
                "last_done": st["last_done"],
                "next_due": st["next_due"],
                "bulk": True,
            },
            device_snapshot={
                "device_id": st["device_id"],
                "owner_id": st["device__owner_id"],
                "location_id": st["device__location_id"],
                "status": st["device__status"],
                "in_register": in_register(st["device__status"]),
            },
        )
        for st in states
    )


# What the services write of a PM clock: never the device's owner, register status or assistive flag,
# which the database keeps on the clock (maintenance.kept_clocks).
PM_STATE_SET = ["interval_override_months", "last_done", "interval_months", "next_due"]


def _recompute(state: DevicePMState, device: Device) -> None:
    cls = PMClass.objects.filter(pk=state.pm_class_id).first() if state.pm_class_id else None
    state.interval_months = rules.effective_interval(
        state.interval_override_months, device.model.pm_interval_months, cls.interval_months if cls else None
    )
    if state.interval_months is None:
        state.next_due = None
    elif state.last_done is not None:
        state.next_due = add_months(state.last_done, state.interval_months)
    elif state.next_due is None:
        state.next_due = timezone.localdate()


@transaction.atomic
def plan_maintenance(*, user: Any, horizon_days: int = 30, today: dt.date | None = None) -> PlanRun:
    """Create PM work orders for every device due within the horizon (and watch items for devices
    maintained by others). Idempotent and set-based."""
    scope_for(user).require(Cap.WORK_MANAGE)
    if horizon_days < 0 or horizon_days > 366 * 2:
        raise ValidationError({"horizon": _("The horizon must be 0-732 days.")})
    today = today or timezone.localdate()
    planner.lock_planning()
    run = PlanRun.objects.create(
        run_by=user if getattr(user, "pk", None) else None,
        horizon_end=today + dt.timedelta(days=horizon_days),
    )
    scope = scope_for(user)
    org_ids = None if scope.is_superuser else sorted(scope.org_ids(Cap.WORK_MANAGE))
    created, watched = planner.plan(run_id=run.pk, horizon_end=run.horizon_end, org_ids=org_ids, today=today)
    run.work_orders_created, run.watch_items_created = created, watched
    run.save(update_fields=["work_orders_created", "watch_items_created"])
    if created:
        key_figures_rollup.refresh_where(Q(plan_run_id=run.pk))
    record_event(
        kind=EventKind.PM_PLANNED,
        subject=run,
        actor=user,
        data={"horizon_end": run.horizon_end, "work_orders": created, "watch_items": watched},
        message=f"PM planned up to {run.horizon_end}: {created} work orders, {watched} watch items",
    )
    return run


@transaction.atomic
def watch_item_confirm(*, user: Any, watch_item: WatchItem | int, done_on: dt.date) -> WatchItem:
    """MT confirms that the external party did the PM; the device's next-due date moves on."""
    pk = watch_item.pk if isinstance(watch_item, WatchItem) else watch_item
    item = (
        WatchItem.objects.select_for_update()
        .select_related("device__model")
        .get_visible(user, Cap.WORK_DO, pk=pk)
    )
    if item.status != WatchStatus.OPEN:
        raise ValidationError({"status": _("This watch item is already confirmed.")})
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The PM cannot be done in the future.")})
    item.status, item.confirmed_at = WatchStatus.CONFIRMED, timezone.now()
    item.save(update_fields=["status", "confirmed_at", "updated_at"])
    _pm_done(item.device, done_on)
    device_record_event(
        device=item.device,
        kind=EventKind.WATCH_CONFIRMED,
        actor=user,
        data={"done_on": done_on},
        subject=item,
    )
    return item


def _pm_done(device: Device, done_on: dt.date) -> None:
    planner.sync_pm_states(device_ids=[device.pk])
    state = DevicePMState.objects.select_for_update().get(device=device)
    state.last_done = done_on
    _recompute(state, device)
    state.save(update_fields=PM_STATE_SET)


# --- work orders -----------------------------------------------------------------------------


def _number(wo: WorkOrder) -> str:
    return f"{PREFIX[WorkOrderKind(wo.kind)]}-{wo.pk:06d}"


@transaction.atomic
def work_order_report(
    *,
    user: Any,
    kind: str,
    title: str,
    description: str = "",
    device: Device | int | None = None,
    customer: Organisation | int | None = None,
    location: Location | int | None = None,
) -> WorkOrder:
    """A customer (or MT) reports a fault, asks for advice, a quality control or another assignment."""
    if kind not in rules.CUSTOMER_KINDS:
        raise ValidationError(
            {"kind": _("Report a fault, ask for advice, a quality control or another assignment.")}
        )
    scope_for(user).require(Cap.WORK_REPORT)
    dev: Device | None = None
    if device is not None:
        pk = device.pk if isinstance(device, Device) else device
        dev = Device.objects.visible_to(user).filter(pk=pk).first()
        if dev is None:
            raise ValidationError({"device": _("Unknown device, or one you may not report on.")})
        scope_for(user).require(Cap.WORK_REPORT, dev.owner_id)
        customer_id = dev.owner_id
    elif customer is not None:
        customer_id = customer.pk if isinstance(customer, Organisation) else customer
        if not scope_for(user).can(Cap.VIEW, customer_id):
            raise ValidationError({"customer": _("Unknown organisation, or one you may not report for.")})
        scope_for(user).require(Cap.WORK_REPORT, customer_id)
    else:
        raise ValidationError({"device": _("Name the device, or for advice the organisation asking.")})
    if kind == WorkOrderKind.CM and dev is None:
        raise ValidationError({"device": _("A fault is reported on a device.")})
    loc_id = None
    if location is not None:
        loc_id = location.pk if isinstance(location, Location) else location
        if not Location.objects.filter(pk=loc_id, organisation_id=customer_id).exists():
            raise ValidationError({"location": _("Unknown location.")})
    elif dev is not None:
        loc_id = dev.location_id
    now = timezone.now()
    wo = WorkOrder(
        number=f"tmp-{uuid.uuid4().hex}",
        kind=kind,
        status=WorkOrderStatus.REPORTED,
        device=dev,
        customer_id=customer_id,
        location_id=loc_id,
        title=(title or "").strip(),
        description=description,
        reported_by=user if getattr(user, "pk", None) else None,
        reported_at=now,
    )
    wo.full_clean()
    wo.save()
    wo.number = _number(wo)
    wo.save(update_fields=["number"])
    _event(
        wo, kind=EventKind.WO_REPORTED, user=user, data={"number": wo.number, "kind": kind}, message=wo.title
    )
    return wo


@transaction.atomic
def work_order_triage(
    *, user: Any, work_order: WorkOrder | int, priority: CMPriority | int | str, assigned_to: Any = None
) -> WorkOrder:
    """MT sets the priority (and so the SLA targets), optionally assigning a technician."""
    wo = _locked(user, work_order, Cap.WORK_MANAGE)
    if wo.status not in rules.OPEN_STATUSES:
        raise ValidationError({"priority": _("Only open work can be prioritised.")})
    if isinstance(priority, CMPriority):
        level = priority
    else:
        lookup = (
            {"code": priority}
            if isinstance(priority, str) and not priority.isdigit()
            else {"pk": int(priority)}
        )
        level = CMPriority.objects.filter(**lookup).first()  # type: ignore[assignment]
        if level is None:
            raise ValidationError({"priority": _("Unknown priority.")})
    wo.priority = level
    reported = wo.reported_at or wo.created_at
    wo.response_due_at, wo.resolution_due_at = rules.sla_deadlines(
        reported,
        level.response_hours,
        level.resolution_hours,
        working_time=level.time_basis == TimeBasis.WORKING,
    )
    if assigned_to is not None:
        wo.assigned_to = _assignee(assigned_to, wo)
    wo.full_clean()
    wo.save()
    _event(
        wo,
        kind=EventKind.WO_TRIAGED,
        user=user,
        data={
            "priority": level.code,
            "response_due_at": wo.response_due_at,
            "resolution_due_at": wo.resolution_due_at,
        },
        message=f"{wo.number}: {level.code}",
    )
    return wo


def _assignee(assigned_to: Any, wo: WorkOrder) -> Any:
    User = get_user_model()
    pk = assigned_to.pk if isinstance(assigned_to, Model) else assigned_to
    person = User.objects.filter(pk=pk, is_active=True).first()
    if person is None or not scope_for(person).can(Cap.WORK_DO, wo.customer_id):
        raise ValidationError({"assigned_to": _("Assign a technician who works for this customer.")})
    return person


@transaction.atomic
def work_order_assign(*, user: Any, work_order: WorkOrder | int, assigned_to: Any) -> WorkOrder:
    """MT assigns the work to a technician."""
    wo = _locked(user, work_order, Cap.WORK_MANAGE)
    if wo.status not in rules.OPEN_STATUSES:
        raise ValidationError({"assigned_to": _("Only open work can be assigned.")})
    wo.assigned_to = _assignee(assigned_to, wo)
    wo.save(update_fields=["assigned_to", "updated_at"])
    _event(wo, kind=EventKind.WO_ASSIGNED, user=user, data={"assigned_to": wo.assigned_to_id})
    return wo


def _open_checklist(wo: WorkOrder) -> list[str]:
    """Labels of protocol items not yet answered on this work order."""
    missing: list[str] = []
    for record in wo.protocol_records.filter(result=ProtocolResult.OPEN).select_related("template"):
        answered = set(record.lines.values_list("item_id", flat=True))
        missing += [i.label for i in record.template.items.all() if i.pk not in answered]
        if not missing:
            missing.append(record.template.name)
    return missing


@transaction.atomic
def work_order_set_status(
    *,
    user: Any,
    work_order: WorkOrder | int,
    status: str,
    waiting_reason: str = "",
    resolution: str = "",
) -> WorkOrder:
    """Move a work order along reported → accepted → in progress ⇄ waiting → done → closed (or cancelled)."""
    capability = Cap.WORK_MANAGE if status == WorkOrderStatus.CANCELLED else Cap.WORK_DO
    wo = _locked(user, work_order, capability)
    try:
        rules.check_transition(wo.status, status)
    except rules.RuleError as exc:
        raise _invalid(exc) from exc
    now = timezone.now()
    if status == WorkOrderStatus.WAITING:
        if waiting_reason not in WaitingReason.values:
            raise ValidationError(
                {"waiting_reason": _("Say what the work is waiting for: parts or the customer.")}
            )
        wo.waiting_reason = waiting_reason
    else:
        wo.waiting_reason = ""
    if status in (WorkOrderStatus.DONE, WorkOrderStatus.CLOSED):
        missing = _open_checklist(wo)
        if missing:
            raise ValidationError(
                {"status": _("The checklist has open items: %(items)s.") % {"items": ", ".join(missing)}}
            )
        if wo.kind == WorkOrderKind.QC and not wo.protocol_records.exists():
            raise ValidationError(
                {"status": _("A quality control needs a recorded protocol before it is done.")}
            )
    if status == WorkOrderStatus.ACCEPTED:
        wo.accepted_at = now
    elif status == WorkOrderStatus.IN_PROGRESS:
        wo.approved = None  # reopened work is judged again when it is done
        wo.started_at = wo.started_at or now
        if wo.assigned_to_id is None and scope_for(user).can(Cap.WORK_DO, wo.customer_id):
            wo.assigned_to = user
        if wo.accepted_at is None:
            wo.accepted_at = now
        _open_protocols(wo, user)
    elif status == WorkOrderStatus.DONE:
        wo.done_at = now
        if resolution:
            wo.resolution = resolution
        _judge(wo, user, timezone.localdate(now))
    elif status == WorkOrderStatus.CLOSED:
        wo.closed_at = now
    elif status == WorkOrderStatus.CANCELLED:
        wo.cancelled_at = now
    before = wo.status
    wo.status = status
    wo.full_clean()
    wo.save()
    kind = {
        WorkOrderStatus.DONE: EventKind.WO_DONE,
        WorkOrderStatus.CLOSED: EventKind.WO_CLOSED,
    }.get(WorkOrderStatus(status), EventKind.WO_STATUS)
    _event(
        wo,
        kind=kind,
        user=user,
        data={
            "before": before,
            "after": status,
            "waiting_reason": wo.waiting_reason,
            **({"approved": wo.approved} if status == WorkOrderStatus.DONE else {}),
        },
    )
    return wo


def _judge(wo: WorkOrder, user: Any, day: dt.date) -> None:
    """Done work is approved unless a check failed. Approved PM (or the repair that cleared a failed
    PM's check) moves the device's PM clock; failed checks get a repair work order (AU) of their own."""
    records = list(wo.protocol_records.select_related("template").order_by("id"))
    wo.approved = rules.work_approved(rec.result for rec in records)
    failed = [rec.template.name for rec in records if rec.result == ProtocolResult.FAILED]
    if not wo.device_id:
        return
    device: Device = wo.device  # type: ignore[assignment]
    if wo.approved:
        completes_pm = wo.kind == WorkOrderKind.PM or (
            wo.origin_id is not None
            and WorkOrder.objects.filter(pk=wo.origin_id, kind=WorkOrderKind.PM, approved=False).exists()
            and bool(records)
        )
        if completes_pm:
            _pm_done(device, day)
    elif not wo.follow_ups.exists():
        _repair_order(wo, user, failed)
    run_work_judged(wo, user)


def _repair_order(wo: WorkOrder, user: Any, failed: list[str]) -> WorkOrder:
    """The corrective work order (AU) for a device that failed a check, linked to the work that found it."""
    repair = WorkOrder(
        number=f"tmp-{uuid.uuid4().hex}",
        kind=WorkOrderKind.CM,
        status=WorkOrderStatus.REPORTED,
        device_id=wo.device_id,
        customer_id=wo.customer_id,
        location_id=wo.location_id,
        title=_("Repair after failed check: %(checks)s") % {"checks": ", ".join(failed)},
        description=_("Found on %(number)s. The device is blocked from use until a later check passes.")
        % {"number": wo.number},
        reported_by=user if getattr(user, "pk", None) else None,
        reported_at=timezone.now(),
        origin=wo,
    )
    repair.full_clean()
    repair.save()
    repair.number = _number(repair)
    repair.save(update_fields=["number"])
    _event(
        repair,
        kind=EventKind.WO_REPORTED,
        user=user,
        data={"number": repair.number, "kind": repair.kind, "origin": wo.number},
        message=repair.title,
    )
    return repair


def _open_protocols(wo: WorkOrder, user: Any) -> None:
    """Starting PM or a quality control on a device, or the repair after a failed check, opens its
    model's check protocols."""
    rechecks = wo.kind == WorkOrderKind.CM and wo.origin_id is not None
    checked = (WorkOrderKind.PM, WorkOrderKind.QC, WorkOrderKind.RECONDITIONING)
    if (wo.kind not in checked and not rechecks) or not wo.device_id:
        return
    if wo.protocol_records.exists():
        return
    reconditioning = wo.kind == WorkOrderKind.RECONDITIONING or (
        rechecks
        and WorkOrder.objects.filter(pk=wo.origin_id or 0, kind=WorkOrderKind.RECONDITIONING).exists()
    )
    templates = ProtocolTemplate.objects.filter(
        device_models=wo.device.model_id,  # type: ignore[union-attr]
        reconditioning=reconditioning,
    )
    ProtocolRecord.objects.bulk_create(
        [ProtocolRecord(work_order=wo, device_id=wo.device_id, template=t) for t in templates]
    )


@transaction.atomic
def reconditioning_order_open(
    *, user: Any, device: Device | int, title: str, description: str = ""
) -> WorkOrder:
    """Reconditioning work (rekonditionering) on a returned assistive device, accepted at once: started,
    it opens the model's reconditioning protocol; done, it is judged like any check."""
    pk = device.pk if isinstance(device, Device) else device
    dev = Device.objects.get_visible(user, Cap.WORK_DO, pk=pk)
    if not ProtocolTemplate.objects.filter(device_models=dev.model_id, reconditioning=True).exists():
        raise ValidationError(
            {"device": _("The device's model has no reconditioning protocol: define one first.")}
        )
    now = timezone.now()
    wo = WorkOrder(
        number=f"tmp-{uuid.uuid4().hex}",
        kind=WorkOrderKind.RECONDITIONING,
        status=WorkOrderStatus.ACCEPTED,
        device=dev,
        customer_id=dev.owner_id,
        location_id=dev.location_id,
        title=(title or "").strip(),
        description=description,
        reported_by=user if getattr(user, "pk", None) else None,
        reported_at=now,
        accepted_at=now,
    )
    wo.full_clean()
    wo.save()
    wo.number = _number(wo)
    wo.save(update_fields=["number"])
    _event(
        wo, kind=EventKind.WO_OPENED, user=user, data={"number": wo.number, "kind": wo.kind}, message=wo.title
    )
    return wo


def work_order_accept(*, user: Any, work_order: WorkOrder | int) -> WorkOrder:
    return work_order_set_status(user=user, work_order=work_order, status=WorkOrderStatus.ACCEPTED)


def work_order_start(*, user: Any, work_order: WorkOrder | int) -> WorkOrder:
    """Start work (accepting it first when still only reported)."""
    with transaction.atomic():
        wo = _locked(user, work_order, Cap.WORK_DO)
        if wo.status == WorkOrderStatus.REPORTED:
            wo = work_order_set_status(user=user, work_order=wo, status=WorkOrderStatus.ACCEPTED)
        return work_order_set_status(user=user, work_order=wo, status=WorkOrderStatus.IN_PROGRESS)


def work_order_complete(*, user: Any, work_order: WorkOrder | int, resolution: str = "") -> WorkOrder:
    return work_order_set_status(
        user=user, work_order=work_order, status=WorkOrderStatus.DONE, resolution=resolution
    )


def work_order_close(*, user: Any, work_order: WorkOrder | int) -> WorkOrder:
    """Close finished work (a work order that is in progress is marked done and closed at once)."""
    with transaction.atomic():
        wo = _locked(user, work_order, Cap.WORK_DO)
        if wo.status == WorkOrderStatus.IN_PROGRESS:
            wo = work_order_set_status(user=user, work_order=wo, status=WorkOrderStatus.DONE)
        return work_order_set_status(user=user, work_order=wo, status=WorkOrderStatus.CLOSED)


# --- entries (read by variable billing) ------------------------------------------------------


def _entry_target(user: Any, work_order: WorkOrder | int, date: dt.date) -> WorkOrder:
    wo = _locked(user, work_order, Cap.WORK_DO)
    if wo.status not in rules.ENTRY_STATUSES:
        raise ValidationError(
            {
                "work_order": _(
                    "Entries can only be added to accepted, ongoing or done work, not %(status)s work."
                )
                % {"status": WorkOrderStatus(wo.status).label.lower()}
            }
        )
    if date > timezone.localdate():
        raise ValidationError({"date": _("An entry cannot be dated in the future.")})
    run_entry_guards(wo, date)
    return wo


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("Not a number.")}) from exc
    if not number.is_finite():
        raise ValidationError({field: _("Give a finite number, not NaN or infinity.")})
    return number


@transaction.atomic
def time_entry_add(
    *,
    user: Any,
    work_order: WorkOrder | int,
    date: dt.date,
    hours: Decimal,
    billable: bool = True,
    note: str = "",
) -> TimeEntry:
    """Log a technician's hours on a work order for one day (0 < hours ≤ 24, and ≤ 24 per day in all)."""
    wo = _entry_target(user, work_order, date)
    hours = _decimal(hours, "hours")
    try:
        rules.check_hours(hours)
    except rules.RuleError as exc:
        raise _invalid(exc) from exc
    already = sum(
        TimeEntry.objects.filter(technician_id=user.pk, date=date).values_list("hours", flat=True), Decimal(0)
    )
    if already + hours > rules.MAX_HOURS_PER_DAY:
        raise ValidationError(
            {
                "hours": _(
                    "No more than 24 hours can be logged on one day (%(already)s already on %(date)s)."
                )
                % {"already": already, "date": date.isoformat()}
            }
        )
    entry = TimeEntry(work_order=wo, technician=user, date=date, hours=hours, billable=billable, note=note)
    entry.full_clean()
    entry.save()
    _event(
        wo,
        kind=EventKind.TIME_ADDED,
        user=user,
        data={"entry": entry.pk, "date": date, "hours": str(hours), "billable": billable},
    )
    return entry


@transaction.atomic
def travel_entry_add(
    *,
    user: Any,
    work_order: WorkOrder | int,
    date: dt.date,
    cost: Decimal,
    location: Location | int | None = None,
    description: str = "",
    billable: bool = True,
) -> TravelEntry:
    """Log a visit to a care unit for the work order, with its cost."""
    wo = _entry_target(user, work_order, date)
    cost = money(_decimal(cost, "cost"))
    if cost < 0:
        raise ValidationError({"cost": _("A travel cost cannot be negative.")})
    loc_id = None
    if location is not None:
        loc_id = location.pk if isinstance(location, Location) else location
        if not Location.objects.filter(pk=loc_id, organisation_id=wo.customer_id).exists():
            raise ValidationError({"location": _("Choose one of the customer's care units.")})
    elif wo.location_id:
        loc_id = wo.location_id
    entry = TravelEntry(
        work_order=wo, date=date, location_id=loc_id, description=description, cost=cost, billable=billable
    )
    entry.full_clean()
    entry.save()
    _event(
        wo, kind=EventKind.TRAVEL_ADDED, user=user, data={"entry": entry.pk, "date": date, "cost": str(cost)}
    )
    return entry


@transaction.atomic
def material_line_add(
    *,
    user: Any,
    work_order: WorkOrder | int,
    date: dt.date,
    kind: str,
    description: str,
    quantity: Decimal,
    unit_price: Decimal,
    article_number: str = "",
    billable: bool = True,
) -> MaterialLine:
    """Log a spare part or consumable used on the work order."""
    wo = _entry_target(user, work_order, date)
    if kind not in MaterialKind.values:
        raise ValidationError({"kind": _("Choose spare part or consumable.")})
    quantity = _decimal(quantity, "quantity")
    if quantity <= 0:
        raise ValidationError({"quantity": _("The quantity must be more than zero.")})
    unit_price = money(_decimal(unit_price, "unit_price"))
    if unit_price < 0:
        raise ValidationError({"unit_price": _("The unit price cannot be negative.")})
    line = MaterialLine(
        work_order=wo,
        date=date,
        kind=kind,
        article_number=article_number,
        description=(description or "").strip(),
        quantity=quantity,
        unit_price=unit_price,
        billable=billable,
    )
    line.full_clean()
    line.save()
    _event(
        wo,
        kind=EventKind.MATERIAL_ADDED,
        user=user,
        data={
            "line": line.pk,
            "date": date,
            "article": article_number,
            "quantity": str(quantity),
            "amount": str(line.amount),
        },
    )
    return line


# --- protocols -------------------------------------------------------------------------------


@transaction.atomic
def protocol_template_create(
    *,
    user: Any,
    code: str,
    name: str,
    items: Sequence[Mapping[str, Any]],
    device_models: Sequence[DeviceModel | int] = (),
    description: str = "",
    reconditioning: bool = False,
) -> ProtocolTemplate:
    """Define a check protocol: checklist items and measured values with unit and limits."""
    scope_for(user).require(Cap.CONFIG_MANAGE)
    if not items:
        raise ValidationError({"items": _("A protocol needs at least one item.")})
    template = ProtocolTemplate(
        code=code.strip(), name=name.strip(), description=description, reconditioning=reconditioning
    )
    template.full_clean()
    template.save()
    rows = []
    for i, spec in enumerate(items):
        item = ProtocolItem(
            template=template,
            order=int(spec.get("order", i + 1)),
            kind=spec.get("kind", ItemKind.CHECK),
            label=str(spec.get("label", "")).strip(),
            unit=str(spec.get("unit") or "").strip(),
            lower_limit=spec.get("lower_limit"),
            upper_limit=spec.get("upper_limit"),
        )
        try:
            item.full_clean(exclude=["template"])
        except rules.RuleError as exc:
            raise ValidationError({f"items.{i}.{exc.field}": exc.message}) from exc
        except ValidationError as exc:
            raise ValidationError({f"items.{i}": exc.messages}) from exc
        rows.append(item)
    ProtocolItem.objects.bulk_create(rows)
    model_ids = [m.pk if isinstance(m, DeviceModel) else m for m in device_models]
    template.device_models.set(DeviceModel.objects.filter(pk__in=model_ids))
    record_event(kind=EventKind.PROTOCOL_SAVED, subject=template, actor=user, data={"items": len(rows)})
    return template


@transaction.atomic
def protocol_record(
    *,
    user: Any,
    record: ProtocolRecord | int,
    results: Mapping[int, Mapping[str, Any]],
    complete: bool = True,
) -> ProtocolRecord:
    """Record a protocol's results. Complete: every item answered; a failure blocks the device from use,
    a pass after a block puts it back in use. Not complete: a draft, the checklist stays open."""
    pk = record.pk if isinstance(record, ProtocolRecord) else record
    rec = (
        ProtocolRecord.objects.select_for_update()
        .select_related("work_order", "device")
        .get_visible(user, Cap.WORK_DO, pk=pk)
    )
    if rec.result != ProtocolResult.OPEN:
        raise ValidationError({"results": _("This protocol is already recorded.")})
    if rec.work_order.status not in (
        WorkOrderStatus.IN_PROGRESS,
        WorkOrderStatus.ACCEPTED,
        WorkOrderStatus.WAITING,
    ):
        raise ValidationError({"results": _("Start the work order before recording its protocol.")})
    specs = [
        rules.ItemSpec(i.pk, i.kind, i.label, i.unit, i.lower_limit, i.upper_limit)
        for i in rec.template.items.all()
    ]
    answers = {int(k): v for k, v in results.items()}
    existing = {line.item_id: line for line in rec.lines.all()}
    if not complete:
        specs_answered = [s for s in specs if s.id in answers]
        try:
            lines = rules.evaluate_protocol(specs_answered, answers)
        except rules.RuleError as exc:
            raise _invalid(exc) from exc
    else:
        merged = {
            s.id: answers.get(s.id)
            or (
                {
                    "checked": existing[s.id].checked,
                    "value": existing[s.id].value,
                    "unit": existing[s.id].unit,
                }
                if s.id in existing
                else None
            )
            for s in specs
        }
        try:
            lines = rules.evaluate_protocol(specs, {k: v for k, v in merged.items() if v is not None})
        except rules.RuleError as exc:
            raise _invalid(exc) from exc
    ProtocolResultLine.objects.filter(record=rec, item_id__in=[ln.item_id for ln in lines]).delete()
    ProtocolResultLine.objects.bulk_create(
        [
            ProtocolResultLine(
                record=rec,
                item_id=ln.item_id,
                checked=ln.checked,
                value=ln.value,
                unit=ln.unit,
                passed=ln.passed,
            )
            for ln in lines
        ]
    )
    if not complete:
        return rec
    all_lines = list(rec.lines.all())
    passed = all(ln.passed for ln in all_lines)
    rec.result = ProtocolResult.PASSED if passed else ProtocolResult.FAILED
    rec.performed_by = user
    rec.performed_at = timezone.now()
    rec.save(update_fields=["result", "performed_by", "performed_at", "updated_at"])
    device = rec.device
    failed_items = [s.label for s in specs if not next(ln.passed for ln in all_lines if ln.item_id == s.id)]
    device_record_event(
        device=device,
        kind=EventKind.QC_RECORDED,
        actor=user,
        data={
            "template": rec.template.code,
            "result": rec.result,
            "failed": failed_items,
            "work_order": rec.work_order.number,
        },
        message=f"{rec.template.name}: {rec.get_result_display()}",
        subject=rec,
    )
    if not passed and device.status != DeviceStatus.BLOCKED:
        device_change_status(
            user=user,
            device=device,
            status=DeviceStatus.BLOCKED,
            reason=_("Failed %(protocol)s: %(items)s")
            % {"protocol": rec.template.name, "items": ", ".join(failed_items)},
            capability=Cap.WORK_DO,
            subject=rec,
        )
    elif passed and device.status == DeviceStatus.BLOCKED and not failed_checks(device.pk):
        device_change_status(
            user=user,
            device=device,
            status=DeviceStatus.IN_USE,
            reason=_("Passed %(protocol)s") % {"protocol": rec.template.name},
            capability=Cap.WORK_DO,
            subject=rec,
        )
    return rec


# --- a device a failed check blocked ---------------------------------------------------------

# Statuses in which a device is in use (or ready to be): a failed check keeps a device out of them.
IN_USE_STATUSES = (DeviceStatus.IN_USE, DeviceStatus.IN_STOCK, DeviceStatus.ON_LOAN)


def _outstanding(device_id: int) -> Any:
    later_pass = ProtocolRecord.objects.filter(
        device_id=OuterRef("device_id"),
        template_id=OuterRef("template_id"),
        result=ProtocolResult.PASSED,
        performed_at__gt=OuterRef("performed_at"),
    )
    return (
        ProtocolRecord.objects.filter(
            device_id=device_id, result=ProtocolResult.FAILED, overridden_at__isnull=True
        )
        .exclude(Exists(later_pass))
        .select_related("template")
        .order_by("performed_at", "id")
    )


def failed_checks(device_id: int) -> list[str]:
    """The failed checks that still keep the device out of use: no later pass of the same protocol
    and no override."""
    return [
        f"{rec.template.name} ({timezone.localdate(rec.performed_at):%Y-%m-%d})"
        for rec in _outstanding(device_id)
    ]


def keep_failed_out_of_use(device: Device, status: str) -> None:
    """The register's status guard: no plain status change puts a device back in use after a failed check."""
    if status not in IN_USE_STATUSES:
        return
    try:
        rules.check_back_in_use(status, IN_USE_STATUSES, failed_checks(device.pk))
    except rules.RuleError as exc:
        raise _invalid(exc) from exc


def keep_failed_out_of_use_bulk(device_ids: list[int], status: str) -> None:
    """The guard for a bulk status change: one query over the whole set, refused whole with the devices
    a failed check keeps out of use named."""
    if status not in IN_USE_STATUSES or not device_ids:
        return
    later_pass = ProtocolRecord.objects.filter(
        device_id=OuterRef("device_id"),
        template_id=OuterRef("template_id"),
        result=ProtocolResult.PASSED,
        performed_at__gt=OuterRef("performed_at"),
    )
    blocked = sorted(
        set(
            ProtocolRecord.objects.filter(
                device_id__any_of=device_ids, result=ProtocolResult.FAILED, overridden_at__isnull=True
            )
            .exclude(Exists(later_pass))
            .values_list("device__asset_number", flat=True)
        )
    )
    if blocked:
        shown = ", ".join(blocked[:10]) + (" …" if len(blocked) > 10 else "")
        raise ValidationError(
            {
                "status": ngettext(
                    "%(n)s device is blocked from use by a failed check until a later check passes: "
                    "%(assets)s.",
                    "%(n)s devices are blocked from use by a failed check until a later check passes: "
                    "%(assets)s.",
                    len(blocked),
                )
                % {"n": len(blocked), "assets": shown}
            }
        )


def pm_states_for(devices: Any, last_done: Mapping[str, dt.date]) -> None:
    """The register's hook: new devices get their PM state at once, set-based; devices that had one (they
    got another model) have it re-derived."""
    if not planner.sync_pm_states(devices=devices, last_done=last_done):
        planner.sync_pm_states(devices=devices, refresh=True)


@transaction.atomic
def device_block_override(*, user: Any, device: Device | int, reason: str) -> Device:
    """An MT admin puts a device a failed check blocked back in use without a passed check, with a reason."""
    pk = device.pk if isinstance(device, Device) else device
    dev = Device.objects.select_for_update().get_visible(user, Cap.WORK_DO, pk=pk)
    scope_for(user).require(Cap.WORK_MANAGE, dev.owner_id)
    try:
        reason = rules.check_override_reason(reason)
    except rules.RuleError as exc:
        raise _invalid(exc) from exc
    records = list(_outstanding(dev.pk).select_for_update(of=("self",)))
    if not records:
        raise ValidationError({"device": _("No failed check keeps this device out of use.")})
    now = timezone.now()
    for rec in records:
        rec.overridden_by, rec.overridden_at, rec.override_reason = user, now, reason
        rec.save(update_fields=["overridden_by", "overridden_at", "override_reason", "updated_at"])
    device_record_event(
        device=dev,
        kind=EventKind.BLOCK_OVERRIDDEN,
        actor=user,
        data={"reason": reason, "protocols": [rec.pk for rec in records]},
        message=reason,
        subject=dev,
    )
    if dev.status == DeviceStatus.BLOCKED:
        dev = device_change_status(
            user=user,
            device=dev,
            status=DeviceStatus.IN_USE,
            reason=_("Block overridden by an MT admin: %(reason)s") % {"reason": reason},
            capability=Cap.WORK_MANAGE,
        )
    return dev
