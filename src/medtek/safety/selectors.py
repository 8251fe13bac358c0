"""Every read of field safety notices and incidents, scoped to the acting user."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from medtek.core.pagination import Page, keyset_page
from medtek.maintenance.choices import WorkOrderStatus
from medtek.organizations.rules import Cap
from medtek.safety import rules
from medtek.safety.choices import Decision, PatientHarm
from medtek.safety.models import Acknowledgement, AffectedDevice, Incident, SafetyNotice

FINISHED = (WorkOrderStatus.DONE, WorkOrderStatus.CLOSED)
CORRECTED = Q(work_order__status__in=FINISHED) & ~Q(decision=Decision.NOT_AFFECTED)
CHECKED = ~Q(decision=Decision.PENDING) | Q(work_order__status__in=FINISHED)
AFFECTED_RELATED = ("device__model__manufacturer", "device__location", "customer", "work_order", "decided_by")


def notice_list(
    *, user: Any, status: str = "", cursor: str | None = None, limit: int | None = None
) -> Page[SafetyNotice]:
    qs = SafetyNotice.objects.visible_to(user).select_related("manufacturer", "department")
    if status:
        qs = qs.filter(status=status)
    return keyset_page(qs, order=["-issued_on"], cursor=cursor, limit=limit)


def notice_get(*, user: Any, pk: int, capability: str = Cap.VIEW) -> SafetyNotice:
    return SafetyNotice.objects.select_related("manufacturer", "department", "registered_by").get_visible(
        user, capability, pk=pk
    )


def notice_progress(*, notice: SafetyNotice, rows: QuerySet[AffectedDevice] | None = None) -> rules.Progress:
    """The notice's progress over `rows` (default: its whole list), in one query each for devices and
    acknowledgements."""
    rows = rows if rows is not None else AffectedDevice.objects.filter(notice=notice)
    counts = rows.aggregate(
        found=Count("pk"),
        checked=Count("pk", filter=CHECKED),
        not_affected=Count("pk", filter=Q(decision=Decision.NOT_AFFECTED)),
        corrected=Count("pk", filter=CORRECTED),
        customers=Count("customer_id", distinct=True),
    )
    customer_ids: Any = rows.values("customer_id")
    acknowledged = Acknowledgement.objects.filter(notice=notice, customer_id__in=customer_ids).count()
    return rules.Progress(
        found=counts["found"],
        checked=counts["checked"],
        affected=counts["found"] - counts["not_affected"],
        not_affected=counts["not_affected"],
        corrected=counts["corrected"],
        customers=counts["customers"],
        acknowledged=acknowledged,
        searched=notice.searched_at is not None,
    )


def visible_rows(*, user: Any, notice: SafetyNotice) -> QuerySet[AffectedDevice]:
    """The notice's devices the user may see: all of them for MT, a customer's own for a customer."""
    return AffectedDevice.objects.visible_to(user).filter(notice=notice)


def customer_summary(*, user: Any, notice: SafetyNotice) -> list[dict[str, Any]]:
    """Per customer the user sees: devices found, checked, corrected; whether it acknowledged."""
    rows = (
        visible_rows(user=user, notice=notice)
        .values("customer_id", "customer__name")
        .annotate(
            found=Count("pk"),
            checked=Count("pk", filter=CHECKED),
            not_affected=Count("pk", filter=Q(decision=Decision.NOT_AFFECTED)),
            corrected=Count("pk", filter=CORRECTED),
            with_work_order=Count("work_order_id"),
        )
        .order_by("customer__name")
    )
    acks = {
        a.customer_id: a
        for a in Acknowledgement.objects.filter(notice=notice).select_related("acknowledged_by")
    }
    out: list[dict[str, Any]] = []
    for values in rows:
        row: dict[str, Any] = dict(values)
        row["affected"] = row["found"] - row["not_affected"]
        row["acknowledgement"] = acks.get(row["customer_id"])
        out.append(row)
    return out


def affected_page(
    *,
    user: Any,
    notice: SafetyNotice,
    customer_id: int | None = None,
    decision: str = "",
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[AffectedDevice]:
    qs = visible_rows(user=user, notice=notice)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if decision:
        qs = qs.filter(decision=decision)
    count_qs = qs
    qs = qs.select_related(*AFFECTED_RELATED)
    return keyset_page(qs, order=["customer_id"], cursor=cursor, limit=limit, count_queryset=count_qs)


def affected_get(*, user: Any, pk: int, capability: str = Cap.VIEW) -> AffectedDevice:
    return AffectedDevice.objects.select_related("notice", *AFFECTED_RELATED).get_visible(
        user, capability, pk=pk
    )


def report_rows(*, user: Any, notice: SafetyNotice) -> list[dict[str, Any]]:
    """Every device of the notice the user sees, with what was done to it: the notice's proof."""
    acks = {
        a.customer_id: a
        for a in Acknowledgement.objects.filter(notice=notice).select_related("acknowledged_by")
    }
    out: list[dict[str, Any]] = []
    qs = (
        visible_rows(user=user, notice=notice)
        .select_related(*AFFECTED_RELATED)
        .order_by("customer__name", "device__asset_number")
    )
    for row in qs.iterator(chunk_size=2000):
        wo = row.work_order
        ack = acks.get(row.customer_id)
        out.append(
            {
                "customer": row.customer.name,
                "asset_number": row.device.asset_number,
                "model": str(row.device.model),
                "serial_number": row.device.serial_number,
                "lot": row.device.lot,
                "udi_di": row.device.udi_di,
                "found_by": row.get_source_display(),
                "finding": outcome(row),
                "reason": row.reason,
                "checked": row.decided_at.date().isoformat() if row.decided_at else "",
                "checked_by": row.decided_by.username if row.decided_by else "",
                "work_order": wo.number if wo else "",
                "work_status": wo.get_status_display() if wo else "",
                "work_done": wo.done_at.date().isoformat() if wo and wo.done_at else "",
                "resolution": wo.resolution if wo else "",
                "blocked": row.blocked_at.date().isoformat() if row.blocked_at else "",
                "acknowledged": ack.acknowledged_at.date().isoformat() if ack else "",
            }
        )
    return out


def outcome(row: AffectedDevice) -> str:
    """A device's outcome on a notice, in words."""
    from django.utils.translation import gettext as _

    if row.decision == Decision.NOT_AFFECTED:
        return str(_("Not affected after check"))
    wo = row.work_order
    if wo is not None and wo.status in FINISHED:
        return str(_("Corrected"))
    if wo is not None and wo.status == WorkOrderStatus.CANCELLED:
        return str(_("Work order cancelled"))
    if row.decision == Decision.AFFECTED:
        return str(_("Affected, awaiting correction"))
    return str(_("Not checked"))


def device_notices(*, user: Any, device_id: int) -> list[AffectedDevice]:
    return list(
        AffectedDevice.objects.visible_to(user)
        .filter(device_id=device_id)
        .select_related("notice__manufacturer", "work_order")
        .order_by("-notice__issued_on")
    )


def device_incidents(*, user: Any, device_id: int) -> list[Incident]:
    return list(Incident.objects.visible_to(user).filter(device_id=device_id).order_by("-occurred_at"))


# --- incidents ------------------------------------------------------------------------------------


def incident_list(
    *,
    user: Any,
    status: str = "",
    model_id: int | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Incident]:
    qs = Incident.objects.visible_to(user)
    if status:
        qs = qs.filter(status=status)
    if model_id:
        qs = qs.filter(device__model_id=model_id)
    count_qs = qs
    qs = qs.select_related("device__model__manufacturer", "customer", "reported_by")
    return keyset_page(qs, order=["-occurred_at"], cursor=cursor, limit=limit, count_queryset=count_qs)


def incident_get(*, user: Any, pk: int, capability: str = Cap.VIEW) -> Incident:
    return Incident.objects.select_related(
        "device__model__manufacturer", "customer", "reported_by", "assessed_by"
    ).get_visible(user, capability, pk=pk)


def incidents_per_model(*, user: Any) -> list[dict[str, Any]]:
    """Incidents counted per device model, most first, so a pattern shows."""
    return [
        dict(row)
        for row in Incident.objects.visible_to(user)
        .values("device__model_id", "device__model__name", "device__model__manufacturer__name")
        .annotate(
            incidents=Count("pk"),
            harmed=Count("pk", filter=Q(patient_harm=PatientHarm.YES)),
            reported=Count("pk", filter=Q(report_authority=True)),
            devices=Count("device_id", distinct=True),
            last=Max("occurred_at"),
        )
        .order_by("-incidents", "device__model__name")
    ]
