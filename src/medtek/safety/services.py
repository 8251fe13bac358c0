"""Every write of field safety notices and incidents; each atomic, checked, and in the event log.

Finding a notice's devices and creating their work orders are set-based (one INSERT … SELECT, one
bulk insert), so a notice over a million-device register is answered in well under a second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from medtek.core.events import record_event
from medtek.inventory.choices import DeviceStatus
from medtek.inventory.models import Device, DeviceModel, Manufacturer
from medtek.inventory.rules import LEFT_REGISTER, TRANSITIONS
from medtek.inventory.services import device_change_status, device_record_event
from medtek.maintenance.bulk import work_orders_create_corrective
from medtek.organizations.choices import OrganisationKind
from medtek.organizations.models import Organisation
from medtek.organizations.querysets import any_of_sql
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for
from medtek.safety import rules
from medtek.safety.choices import (
    Decision,
    EventKind,
    IncidentStatus,
    NoticeAction,
    NoticeStatus,
    Source,
)
from medtek.safety.models import Acknowledgement, AffectedDevice, Incident, SafetyNotice


def _invalid(errors: Sequence[rules.RuleError]) -> ValidationError:
    out: dict[str, list[str]] = {}
    for error in errors:
        out.setdefault(error.field, []).append(error.message)
    return ValidationError(out)


def _notice(user: Any, notice: SafetyNotice | int, capability: str, *, lock: bool = False) -> SafetyNotice:
    pk = notice.pk if isinstance(notice, SafetyNotice) else notice
    qs = SafetyNotice.objects.select_for_update() if lock else SafetyNotice.objects.all()
    return qs.get_visible(user, capability, pk=pk)


def _open(notice: SafetyNotice) -> None:
    if notice.status == NoticeStatus.CLOSED:
        raise ValidationError({"notice": _("The notice is closed.")})


def _managed_org_ids(user: Any) -> list[int] | None:
    """The organisations whose devices the user manages work for; None for every one."""
    scope = scope_for(user)
    return None if scope.is_superuser else sorted(scope.org_ids(Cap.WORK_MANAGE))


def _department_for(user: Any, department: Organisation | int | None) -> Organisation:
    scope = scope_for(user)
    departments = Organisation.objects.filter(kind=OrganisationKind.MT_DEPARTMENT)
    if department is not None:
        pk = department.pk if isinstance(department, Organisation) else department
        found = departments.filter(pk=pk).first()
        if found is None or not scope.can(Cap.WORK_MANAGE, found.pk):
            raise ValidationError({"department": _("Unknown MT department, or one you do not work for.")})
        return found
    mine = [d for d in departments.filter(pk__any_of=sorted(scope.home_org_ids))]
    if len(mine) != 1:
        raise ValidationError({"department": _("Say which MT department handles the notice.")})
    return mine[0]


def parse_criteria(
    *,
    manufacturer: Manufacturer,
    model_ids: Sequence[int],
    udi_dis: Sequence[str],
    lots: Sequence[str],
    serial_ranges: Sequence[tuple[str, str]],
) -> rules.Criteria:
    """The notice's criteria, checked: models of its manufacturer, valid GTINs, well-formed ranges."""
    errors: list[rules.RuleError] = []
    ids = sorted({int(m) for m in model_ids})
    known = dict(DeviceModel.objects.filter(pk__in=ids).values_list("pk", "manufacturer_id"))
    for pk in ids:
        if pk not in known:
            errors.append(rules.RuleError("models", _("Unknown device model %(id)s.") % {"id": pk}))
        elif known[pk] != manufacturer.pk:
            name = DeviceModel.objects.get(pk=pk).name
            errors.append(
                rules.RuleError(
                    "models",
                    _("%(model)s is not made by %(maker)s.") % {"model": name, "maker": manufacturer.name},
                )
            )
    dis: list[str] = []
    for value in udi_dis:
        if not (value or "").strip():
            continue
        try:
            di = rules.normalize_udi_di(value)
        except rules.RuleError as exc:
            errors.append(exc)
            continue
        if di not in dis:
            dis.append(di)
    ranges: list[rules.SerialRange] = []
    for start, end in serial_ranges:
        if not (start or "").strip() and not (end or "").strip():
            continue
        try:
            ranges.append(rules.serial_range(start, end))
        except rules.RuleError as exc:
            errors.append(exc)
    try:
        lot_list = rules.normalize_lots(lots)
    except rules.RuleError as exc:
        errors.append(exc)
        lot_list = []
    criteria = rules.Criteria(tuple(ids), tuple(dis), tuple(lot_list), tuple(ranges))
    if not errors:
        try:
            criteria.check()
        except rules.RuleError as exc:
            errors.append(exc)
    if errors:
        raise _invalid(errors)
    return criteria


def criteria_of(notice: SafetyNotice) -> rules.Criteria:
    return rules.Criteria(
        model_ids=tuple(sorted(notice.device_models.values_list("pk", flat=True))),
        udi_dis=tuple(notice.udi_dis),
        lots=tuple(notice.lots),
        serial_ranges=tuple(rules.SerialRange(r["start"], r["end"]) for r in notice.serial_ranges),
    )


# --- notices --------------------------------------------------------------------------------------


@transaction.atomic
def notice_register(
    *,
    user: Any,
    manufacturer: Manufacturer | int,
    reference: str,
    title: str,
    issued_on: dt.date,
    action: str,
    urgency: str,
    instructions: str = "",
    model_ids: Sequence[int] = (),
    udi_dis: Sequence[str] = (),
    lots: Sequence[str] = (),
    serial_ranges: Sequence[tuple[str, str]] = (),
    department: Organisation | int | None = None,
) -> SafetyNotice:
    """MT registers a manufacturer's field safety notice with what it names and what to do."""
    scope_for(user).require(Cap.WORK_MANAGE)
    dept = _department_for(user, department)
    maker_id = manufacturer.pk if isinstance(manufacturer, Manufacturer) else manufacturer
    maker = Manufacturer.objects.filter(pk=maker_id).first()
    if maker is None:
        raise ValidationError({"manufacturer": _("Unknown manufacturer.")})
    criteria = parse_criteria(
        manufacturer=maker, model_ids=model_ids, udi_dis=udi_dis, lots=lots, serial_ranges=serial_ranges
    )
    notice = SafetyNotice(
        department=dept,
        manufacturer=maker,
        reference=(reference or "").strip(),
        title=(title or "").strip(),
        issued_on=issued_on,
        action=action,
        urgency=urgency,
        instructions=instructions or "",
        udi_dis=list(criteria.udi_dis),
        lots=list(criteria.lots),
        serial_ranges=[r.as_dict() for r in criteria.serial_ranges],
        registered_by=user,
    )
    if issued_on and issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("A notice cannot be dated in the future.")})
    notice.full_clean()
    notice.save()
    notice.device_models.set(criteria.model_ids)
    record_event(
        kind=EventKind.NOTICE_REGISTERED,
        subject=notice,
        actor=user,
        data={
            "reference": notice.reference,
            "manufacturer": maker.pk,
            "models": list(criteria.model_ids),
            "udi_dis": notice.udi_dis,
            "lots": notice.lots,
            "serial_ranges": notice.serial_ranges,
            "action": action,
            "urgency": urgency,
        },
        message=f"{notice.reference}: {notice.title}",
    )
    return notice


def affected_sql(criteria: rules.Criteria, org_ids: list[int] | None) -> tuple[str, list[Any]]:
    """The WHERE clause over inventory_device `d` that is `rules.matches`, within `org_ids`."""
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    params: list[Any] = []
    product: list[str] = []
    if criteria.model_ids:
        sql, p = any_of_sql("d.model_id", list(criteria.model_ids))
        product.append(sql)
        params += p
    if criteria.udi_dis:
        sql, p = any_of_sql("d.udi_di", list(criteria.udi_dis))
        product.append(sql)
        params += p
    where = [f"({' OR '.join(product)})"]
    if criteria.narrowed:
        within: list[str] = []
        if criteria.lots:
            sql, p = any_of_sql("d.lot", list(criteria.lots))
            within.append(sql)
            params += p
        for r in criteria.serial_ranges:
            within.append(f"(LENGTH(d.serial_number) = %s AND d.serial_number{collate} BETWEEN %s AND %s)")
            params += [len(r.start), r.start, r.end]
        where.append(f"({' OR '.join(within)})")
    left, p = any_of_sql("d.status", sorted(LEFT_REGISTER))
    where.append(f"NOT {left}")
    params += p
    if org_ids is not None:
        sql, p = any_of_sql("d.owner_id", org_ids)
        where.append(sql)
        params += p
    return " AND ".join(where), params


@transaction.atomic
def notice_find_devices(*, user: Any, notice: SafetyNotice | int) -> int:
    """Put every device the notice names, across every customer the user manages, on its list (one
    INSERT … SELECT); devices already there keep their finding. Returns how many were added.

    The devices already on the list are skipped by the unique (notice, device) key, not by an anti-join:
    a join against a list the planner has no statistics for yet can go quadratic (12 s for 5,950
    devices at 1,000,000)."""
    notice = _notice(user, notice, Cap.WORK_MANAGE, lock=True)
    _open(notice)
    where, params = affected_sql(criteria_of(notice), _managed_org_ids(user))
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cur:
        cur.execute(
            f"""
            INSERT INTO {AffectedDevice._meta.db_table}
                (notice_id, device_id, customer_id, source, decision, reason, found_at)
            SELECT %s, d.id, d.owner_id, %s, %s, '', %s
            FROM {Device._meta.db_table} d
            WHERE {where}
            ON CONFLICT (notice_id, device_id) DO NOTHING
            """,
            [notice.pk, Source.CRITERIA.value, Decision.PENDING.value, stamp, *params],
        )
        added = int(cur.rowcount)
    notice.searched_at = now
    notice.save(update_fields=["searched_at", "updated_at"])
    record_event(
        kind=EventKind.NOTICE_SEARCHED,
        subject=notice,
        actor=user,
        data={"added": added},
        message=f"{notice.reference}: {added}",
    )
    return added


@transaction.atomic
def notice_add_devices(*, user: Any, notice: SafetyNotice | int, device_ids: Sequence[int]) -> int:
    """Put the devices of a manufacturer's list on the notice (they are checked by the caller)."""
    notice = _notice(user, notice, Cap.WORK_MANAGE, lock=True)
    _open(notice)
    org_ids = _managed_org_ids(user)
    qs = Device.objects.filter(pk__in=list(device_ids))
    if org_ids is not None:
        qs = qs.filter(owner_id__any_of=org_ids)
    on_list = set(AffectedDevice.objects.filter(notice=notice).values_list("device_id", flat=True))
    now = timezone.now()
    rows = [
        AffectedDevice(notice=notice, device_id=pk, customer_id=owner, source=Source.FILE, found_at=now)
        for pk, owner in qs.values_list("pk", "owner_id")
        if pk not in on_list
    ]
    AffectedDevice.objects.bulk_create(rows, batch_size=2000)
    notice.searched_at = notice.searched_at or now
    notice.save(update_fields=["searched_at", "updated_at"])
    record_event(
        kind=EventKind.NOTICE_LIST_IMPORTED,
        subject=notice,
        actor=user,
        data={"added": len(rows), "listed": len(device_ids)},
        message=f"{notice.reference}: {len(rows)}",
    )
    return len(rows)


@transaction.atomic
def affected_decide(
    *, user: Any, affected: AffectedDevice | int, decision: str, reason: str = ""
) -> AffectedDevice:
    """MT's finding for one device after checking it: affected, or not affected with the reason."""
    pk = affected.pk if isinstance(affected, AffectedDevice) else affected
    row = (
        AffectedDevice.objects.select_for_update()
        .select_related("notice", "device")
        .get_visible(user, Cap.WORK_DO, pk=pk)
    )
    _open(row.notice)
    if decision not in (Decision.AFFECTED, Decision.NOT_AFFECTED):
        raise ValidationError({"decision": _("Say whether the device is affected or not.")})
    reason = (reason or "").strip()
    if decision == Decision.NOT_AFFECTED and not reason:
        raise ValidationError({"reason": _("Say why the device is not affected.")})
    before = row.decision
    row.decision = decision
    row.reason = reason
    row.decided_by = user
    row.decided_at = timezone.now()
    row.full_clean()
    row.save()
    device_record_event(
        device=row.device,
        kind=EventKind.DEVICE_DECIDED,
        actor=user,
        data={"notice": row.notice_id, "before": before, "after": decision, "reason": reason},
        message=f"{row.notice.reference}: {row.get_decision_display()}",
        subject=row.notice,
    )
    notice_close_when_done(actor=user, notice=row.notice)
    return row


def notice_import_list(*, user: Any, notice: SafetyNotice | int, data: bytes, filename: str) -> int:
    """Put the devices of a manufacturer's list (CSV/XLSX of serial numbers or UDIs) on the notice.

    Every row is checked first; a row that names no device of the user's register is listed with its
    reason and nothing is written."""
    from medtek.safety import affected_list

    notice = _notice(user, notice, Cap.WORK_MANAGE)
    _open(notice)
    values = affected_list.read_values(data, filename)
    devices = Device.objects.visible_to(user, Cap.WORK_MANAGE).exclude(status__in=sorted(LEFT_REGISTER))
    checked = affected_list.check_list(notice=notice, values=values, devices=devices)
    if checked.problems:
        raise affected_list.problems_error(checked.problems)
    return notice_add_devices(user=user, notice=notice, device_ids=checked.device_ids)


def work_order_prefix(notice: SafetyNotice) -> str:
    return f"AU-S{notice.pk}-"


@transaction.atomic
def notice_create_work_orders(*, user: Any, notice: SafetyNotice | int) -> int:
    """One corrective (AU) work order for every device on the list that is not ruled out and has none;
    created in bulk by maintenance and linked back in one UPDATE. Returns how many were created."""
    notice = _notice(user, notice, Cap.WORK_MANAGE, lock=True)
    _open(notice)
    org_ids = _managed_org_ids(user)
    rows = AffectedDevice.objects.filter(notice=notice, work_order__isnull=True).exclude(
        decision=Decision.NOT_AFFECTED
    )
    if org_ids is not None:
        rows = rows.filter(customer_id__any_of=org_ids)
    device_ids = list(rows.values_list("device_id", flat=True))
    if not device_ids:
        raise ValidationError({"notice": _("Every device on the list already has its work order.")})
    title = _("FSN %(reference)s: %(action)s") % {
        "reference": notice.reference,
        "action": NoticeAction(notice.action).label,
    }
    prefix = work_order_prefix(notice)
    created = work_orders_create_corrective(
        user=user,
        device_ids=device_ids,
        number_prefix=prefix,
        title=str(title),
        description=f"{notice.title}\n\n{notice.instructions}".strip(),
    )
    table = AffectedDevice._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"""
            UPDATE {table} SET work_order_id = (
                SELECT w.id FROM maintenance_workorder w
                WHERE w.number = %s || CAST({table}.device_id AS TEXT)
            )
            WHERE notice_id = %s AND work_order_id IS NULL AND decision <> %s
            """,
            [prefix, notice.pk, Decision.NOT_AFFECTED.value],
        )
    record_event(
        kind=EventKind.WORK_ORDERS_CREATED,
        subject=notice,
        actor=user,
        data={"work_orders": created},
        message=f"{notice.reference}: {created}",
    )
    return created


@transaction.atomic
def notice_block_devices(*, user: Any, notice: SafetyNotice | int) -> int:
    """Where the notice says stop using, block every device on the list that is not ruled out, through
    the register's status service (so each device's history records it). Returns how many were blocked."""
    notice = _notice(user, notice, Cap.WORK_MANAGE, lock=True)
    _open(notice)
    if notice.action != NoticeAction.STOP_USING:
        raise ValidationError({"notice": _("Only a notice that says stop using blocks devices.")})
    org_ids = _managed_org_ids(user)
    rows = (
        AffectedDevice.objects.filter(notice=notice, blocked_at__isnull=True)
        .exclude(decision=Decision.NOT_AFFECTED)
        .select_related("device")
    )
    if org_ids is not None:
        rows = rows.filter(customer_id__any_of=org_ids)
    now = timezone.now()
    blocked: list[int] = []
    reason = _("Field safety notice %(reference)s: stop using") % {"reference": notice.reference}
    for row in rows:
        status = row.device.status
        if status != DeviceStatus.BLOCKED:
            if DeviceStatus.BLOCKED not in TRANSITIONS.get(status, frozenset()):
                continue
            device_change_status(
                user=user,
                device=row.device,
                status=DeviceStatus.BLOCKED,
                reason=str(reason),
                capability=Cap.WORK_MANAGE,
                subject=notice,
            )
        blocked.append(row.pk)
    AffectedDevice.objects.filter(pk__in=blocked).update(blocked_at=now)
    return len(blocked)


def _ack_customer(user: Any, notice: SafetyNotice, customer: Organisation | int | None) -> int:
    """The customer the user acknowledges for: one of its own on the notice's list (404 otherwise)."""
    mine = set(
        AffectedDevice.objects.visible_to(user, Cap.WORK_REPORT)
        .filter(notice=notice)
        .values_list("customer_id", flat=True)
        .distinct()
    )
    if customer is not None:
        pk = customer.pk if isinstance(customer, Organisation) else int(customer)
        if pk not in mine:
            raise Http404("No customer of this notice matches the given query.")
        return pk
    if not mine:
        raise Http404("No customer of this notice matches the given query.")
    if len(mine) > 1:
        raise ValidationError({"customer": _("Say which customer you acknowledge the notice for.")})
    return mine.pop()


@transaction.atomic
def notice_acknowledge(
    *, user: Any, notice: SafetyNotice | int, customer: Organisation | int | None = None, note: str = ""
) -> Acknowledgement:
    """A customer's contact confirms the notice has been received and read, for that customer's devices."""
    notice = _notice(user, notice, Cap.WORK_REPORT)
    customer_id = _ack_customer(user, notice, customer)
    if Acknowledgement.objects.filter(notice=notice, customer_id=customer_id).exists():
        raise ValidationError({"customer": _("The notice is already acknowledged for this customer.")})
    ack = Acknowledgement(
        notice=notice,
        customer_id=customer_id,
        acknowledged_by=user,
        acknowledged_at=timezone.now(),
        note=note,
    )
    ack.full_clean()
    ack.save()
    record_event(
        kind=EventKind.NOTICE_ACKNOWLEDGED,
        subject=notice,
        actor=user,
        data={"customer": customer_id},
        message=f"{notice.reference}: {ack.customer.name}",
    )
    notice_close_when_done(actor=user, notice=notice)
    return ack


def notice_close_when_done(*, actor: Any, notice: SafetyNotice | int) -> bool:
    """Close an open notice once its last step is done: every device on its list checked, every
    affected one corrected, every customer acknowledged. Called by each service that completes a step
    (and on a finished corrective work order); `actor` is whoever completed the last one. Returns
    whether it closed the notice."""
    from medtek.safety.selectors import notice_progress

    pk = notice.pk if isinstance(notice, SafetyNotice) else notice
    with transaction.atomic():
        found = SafetyNotice.objects.select_for_update().filter(pk=pk, status=NoticeStatus.OPEN).first()
        if found is None or not notice_progress(notice=found).complete:
            return False
        found.status = NoticeStatus.CLOSED
        found.closed_at = timezone.now()
        found.save(update_fields=["status", "closed_at", "updated_at"])
        record_event(
            kind=EventKind.NOTICE_CLOSED,
            subject=found,
            actor=actor,
            data={"automatic": True},
            message=found.reference,
        )
    if isinstance(notice, SafetyNotice):
        notice.status, notice.closed_at = found.status, found.closed_at
    return True


def work_order_finished(event: Any) -> None:
    """A corrective work order of a notice is done or closed: the notice may now be complete."""
    if event.subject_type != "maintenance.workorder":
        return
    notice_ids = (
        AffectedDevice.objects.filter(work_order_id=event.subject_id, notice__status=NoticeStatus.OPEN)
        .values_list("notice_id", flat=True)
        .distinct()
    )
    for notice_id in list(notice_ids):
        notice_close_when_done(actor=event.actor, notice=notice_id)


@transaction.atomic
def notice_close(*, user: Any, notice: SafetyNotice | int) -> SafetyNotice:
    """Close a notice when every device is checked, every affected one corrected and every customer has
    acknowledged; otherwise say what is still outstanding."""
    from medtek.safety.selectors import notice_progress

    notice = _notice(user, notice, Cap.WORK_MANAGE, lock=True)
    _open(notice)
    progress = notice_progress(notice=notice)
    if not progress.complete:
        raise ValidationError(
            {
                "notice": _("The notice cannot close yet: %(what)s.")
                % {"what": "; ".join(progress.outstanding)}
            }
        )
    notice.status = NoticeStatus.CLOSED
    notice.closed_at = timezone.now()
    notice.save(update_fields=["status", "closed_at", "updated_at"])
    record_event(kind=EventKind.NOTICE_CLOSED, subject=notice, actor=user, message=notice.reference)
    return notice


# --- incidents ------------------------------------------------------------------------------------


@transaction.atomic
def incident_report(
    *,
    user: Any,
    device: Device | int,
    kind: str,
    occurred_at: dt.datetime,
    place: str,
    description: str,
    patient_harm: str,
    block: bool = False,
) -> Incident:
    """A user reports an adverse event or near miss with a device; the device can be blocked at once."""
    pk = device.pk if isinstance(device, Device) else device
    dev = Device.objects.visible_to(user).filter(pk=pk).first()
    if dev is None:
        raise ValidationError({"device": _("Unknown device, or one you may not report on.")})
    scope_for(user).require(Cap.WORK_REPORT, dev.owner_id)
    try:
        rules.check_incident_text({"description": description or "", "place": place or ""})
    except rules.RuleError as exc:
        raise _invalid([exc]) from exc
    if occurred_at and occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("An incident cannot have happened in the future.")})
    incident = Incident(
        device=dev,
        customer_id=dev.owner_id,
        kind=kind,
        occurred_at=occurred_at,
        place=(place or "").strip(),
        description=(description or "").strip(),
        patient_harm=patient_harm,
        reported_by=user,
    )
    incident.full_clean()
    incident.save()
    device_record_event(
        device=dev,
        kind=EventKind.INCIDENT_REPORTED,
        actor=user,
        data={"incident": incident.pk, "kind": kind, "patient_harm": patient_harm},
        message=incident.get_kind_display(),
        subject=incident,
    )
    if block and dev.status != DeviceStatus.BLOCKED:
        device_change_status(
            user=user,
            device=dev,
            status=DeviceStatus.BLOCKED,
            reason=str(_("Incident %(id)s reported") % {"id": incident.pk}),
            capability=Cap.WORK_REPORT,
            subject=incident,
        )
    if block:
        incident.device_blocked = True
        incident.save(update_fields=["device_blocked", "updated_at"])
    return incident


@transaction.atomic
def incident_assess(
    *,
    user: Any,
    incident: Incident | int,
    report_manufacturer: bool,
    report_authority: bool,
    assessment: str = "",
    manufacturer_reference: str = "",
    manufacturer_reported_on: dt.date | None = None,
    authority_reference: str = "",
    authority_reported_on: dt.date | None = None,
) -> Incident:
    """MT assesses whether the incident is reported to the manufacturer and to Läkemedelsverket, and
    records each report's reference and date."""
    pk = incident.pk if isinstance(incident, Incident) else incident
    inc = (
        Incident.objects.select_for_update()
        .select_related("device")
        .get_visible(user, Cap.WORK_MANAGE, pk=pk)
    )
    try:
        rules.check_incident_text({"assessment": assessment or ""})
    except rules.RuleError as exc:
        raise _invalid([exc]) from exc
    errors = rules.check_assessment(
        manufacturer=rules.Report(
            report_manufacturer, manufacturer_reference or "", manufacturer_reported_on
        ),
        authority=rules.Report(report_authority, authority_reference or "", authority_reported_on),
        occurred_on=timezone.localdate(inc.occurred_at),
        today=timezone.localdate(),
    )
    if errors:
        raise _invalid(errors)
    inc.report_manufacturer = report_manufacturer
    inc.manufacturer_reference = (manufacturer_reference or "").strip()
    inc.manufacturer_reported_on = manufacturer_reported_on
    inc.report_authority = report_authority
    inc.authority_reference = (authority_reference or "").strip()
    inc.authority_reported_on = authority_reported_on
    inc.assessment = (assessment or "").strip()
    inc.assessed_by = user
    inc.assessed_at = timezone.now()
    inc.status = IncidentStatus.ASSESSED
    inc.full_clean()
    inc.save()
    device_record_event(
        device=inc.device,
        kind=EventKind.INCIDENT_ASSESSED,
        actor=user,
        data={
            "incident": inc.pk,
            "manufacturer": report_manufacturer,
            "manufacturer_reference": inc.manufacturer_reference,
            "authority": report_authority,
            "authority_reference": inc.authority_reference,
        },
        subject=inc,
    )
    return inc
