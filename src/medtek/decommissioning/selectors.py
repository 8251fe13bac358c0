"""Every read of the surplus process, scoped to the acting user."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from medtek.core.models import Event
from medtek.core.pagination import Page, keyset_page
from medtek.decommissioning.choices import (
    CaseStatus,
    ChecklistStep,
    Disposition,
    ItemKind,
    ItemState,
    ShipmentStatus,
)
from medtek.decommissioning.models import (
    AidAgreement,
    ChecklistEntry,
    DonationShipment,
    SurplusCase,
    SurplusItem,
)
from medtek.decommissioning.rules import LEAVING
from medtek.organizations.rules import Cap

ITEM_RELATED = ("case__organisation", "case__department", "device", "device_model__manufacturer", "recipient")


def _with_step_flags(qs: QuerySet[SurplusItem]) -> QuerySet[SurplusItem]:
    """Annotate `has_<step>` per checklist step, so open steps are found in SQL, not per row."""
    return qs.annotate(
        **{
            f"has_{step}": Exists(ChecklistEntry.objects.filter(item_id=OuterRef("pk"), step=step))
            for step in ChecklistStep.values
        }
    )


def _open_step_condition() -> Q:
    """Items decided to leave with a required step not yet done (the routine's decommissioning process)."""
    device = Q(kind=ItemKind.DEVICE)
    return Q(state=ItemState.DECIDED, disposition__in=list(LEAVING)) & (
        Q(has_inventory_listing=False)
        | (device & Q(has_deregistration=False))
        | (device & Q(has_responsibility_clarified=False))
        | (device & Q(device__stores_patient_data=True, has_patient_data_wiped=False))
        | (device & Q(device__has_radiation_source=True, has_radiation_protection=False))
    )


def case_list(
    *,
    user: Any,
    status: str = "",
    cursor: str | None = None,
    limit: int | None = None,
    capability: str = Cap.VIEW,
) -> Page[SurplusCase]:
    qs = SurplusCase.objects.visible_to(user, capability).select_related(
        "organisation", "department", "registered_by"
    )
    if status:
        qs = qs.filter(status=status)
    counted = qs.annotate(
        item_count=Count("items"),
        undecided_count=Count("items", filter=Q(items__state=ItemState.REGISTERED)),
    )
    return keyset_page(counted, order=["-created_at"], cursor=cursor, limit=limit)


def case_get(*, user: Any, pk: int, capability: str = Cap.VIEW) -> SurplusCase:
    return SurplusCase.objects.select_related("organisation", "department", "registered_by").get_visible(
        user, capability, pk=pk
    )


def case_items(*, case: SurplusCase) -> list[SurplusItem]:
    """The items of a case the caller already may see, with their checklists (two queries)."""
    return list(
        case.items.select_related(*ITEM_RELATED).prefetch_related("checklist__done_by").order_by("pk")
    )


def item_queryset(*, user: Any, capability: str = Cap.VIEW) -> QuerySet[SurplusItem]:
    return SurplusItem.objects.visible_to(user, capability).select_related(*ITEM_RELATED)


def item_list(
    *,
    user: Any,
    state: str = "",
    waiting: str = "",
    case_id: int | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[SurplusItem]:
    """A page of items; `waiting` = "decision" or "checklist" for MT's work queues."""
    qs = item_queryset(user=user)
    if state:
        qs = qs.filter(state=state)
    if case_id is not None:
        qs = qs.filter(case_id=case_id)
    if waiting == "decision":
        qs = qs.filter(state=ItemState.REGISTERED)
    elif waiting == "checklist":
        qs = _with_step_flags(qs).filter(_open_step_condition())
    elif waiting == "shipment":
        qs = qs.filter(state=ItemState.DECIDED, disposition=Disposition.DONATE, shipment__isnull=True)
    page = keyset_page(qs.prefetch_related("checklist"), order=["created_at"], cursor=cursor, limit=limit)
    return page


def item_get(*, user: Any, pk: int, capability: str = Cap.VIEW) -> SurplusItem:
    return (
        SurplusItem.objects.select_related(
            *ITEM_RELATED, "aid_agreement", "mt_contact", "decided_by", "shipment"
        )
        .prefetch_related("checklist__done_by")
        .get_visible(user, capability, pk=pk)
    )


def item_history(*, item: SurplusItem, limit: int = 200) -> list[Event]:
    """The traceable history: the whole device history for a device, the item's own events for a lot."""
    if item.device_id is not None:
        qs = Event.objects.filter(device_id=item.device_id)
    else:
        qs = Event.objects.filter(subject_type="decommissioning.surplusitem", subject_id=item.pk)
    return list(qs.select_related("actor").order_by("-occurred_at", "-id")[:limit])


def overview(*, user: Any, limit: int = 20) -> dict[str, Any]:
    """MT's overview: open cases, items waiting for a decision, for a checklist step, for a shipment."""
    cases = (
        SurplusCase.objects.visible_to(user, Cap.SURPLUS_DECIDE)
        .filter(status=CaseStatus.OPEN)
        .select_related("organisation", "department", "registered_by")
        .annotate(
            item_count=Count("items"),
            undecided_count=Count("items", filter=Q(items__state=ItemState.REGISTERED)),
        )
        .order_by("created_at", "pk")
    )
    items = item_queryset(user=user, capability=Cap.SURPLUS_DECIDE)
    waiting_decision = items.filter(state=ItemState.REGISTERED).order_by("created_at", "pk")
    waiting_checklist = (
        _with_step_flags(items)
        .filter(_open_step_condition())
        .prefetch_related("checklist")
        .order_by("decided_at", "pk")
    )
    waiting_shipment = items.filter(
        state=ItemState.DECIDED, disposition=Disposition.DONATE, shipment__isnull=True
    ).order_by("decided_at", "pk")
    planned = (
        DonationShipment.objects.visible_to(user, Cap.SURPLUS_DECIDE)
        .filter(status=ShipmentStatus.PLANNED)
        .select_related("aid_agreement__aid_organisation", "organisation")
        .order_by("shipment_date", "pk")
    )
    return {
        "cases": list(cases[:limit]),
        "cases_count": cases.count(),
        "waiting_decision": list(waiting_decision[:limit]),
        "waiting_decision_count": waiting_decision.count(),
        "waiting_checklist": list(waiting_checklist[:limit]),
        "waiting_checklist_count": waiting_checklist.count(),
        "waiting_shipment": list(waiting_shipment[:limit]),
        "waiting_shipment_count": waiting_shipment.count(),
        "planned_shipments": list(planned[:limit]),
    }


def aid_agreement_list(*, user: Any) -> list[AidAgreement]:
    return list(
        AidAgreement.objects.visible_to(user)
        .select_related("region", "aid_organisation", "contact")
        .order_by("pk")
    )


def aid_agreement_get(*, user: Any, pk: int, capability: str = Cap.VIEW) -> AidAgreement:
    """One aid agreement: 404 when the user may not see it, 403 when it may not act on it so."""
    return AidAgreement.objects.select_related("region", "aid_organisation", "contact").get_visible(
        user, capability, pk=pk
    )


def shipment_list(
    *, user: Any, cursor: str | None = None, limit: int | None = None
) -> Page[DonationShipment]:
    qs = (
        DonationShipment.objects.visible_to(user)
        .select_related("aid_agreement__aid_organisation", "organisation")
        .annotate(item_count=Count("items"))
    )
    return keyset_page(qs, order=["-shipment_date"], cursor=cursor, limit=limit)


def shipment_get(*, user: Any, pk: int, capability: str = Cap.VIEW) -> DonationShipment:
    return DonationShipment.objects.select_related(
        "aid_agreement__aid_organisation", "aid_agreement__contact", "organisation", "created_by"
    ).get_visible(user, capability, pk=pk)


def shipment_items(*, shipment: DonationShipment) -> list[SurplusItem]:
    return list(shipment.items.select_related(*ITEM_RELATED).prefetch_related("checklist").order_by("pk"))


def _yes_no(value: bool) -> str:
    from django.utils.translation import gettext as _

    return str(_("yes")) if value else str(_("no"))


def shipment_manifest_rows(*, shipment: DonationShipment) -> list[dict[str, Any]]:
    """The manifest: model, serial, condition, accessories, manuals, functional test, per item."""
    rows = []
    for item in shipment_items(shipment=shipment):
        device = item.device
        rows.append(
            {
                "asset_number": device.asset_number if device else "",
                "manufacturer": item.device_model.manufacturer.name,
                "model": item.device_model.name,
                "category": item.device_model.category,
                "serial_number": device.serial_number if device else "",
                "lot_number": item.lot_number,
                "expiry_date": item.expiry_date.isoformat() if item.expiry_date else "",
                "quantity": item.quantity,
                "condition": item.condition,
                "accessories": item.accessories,
                "manuals": _yes_no(item.manuals_included),
                "functional_test": _yes_no(item.functional_test_done),
                "estimated_value": item.estimated_value,
            }
        )
    return rows


def donation_report(*, user: Any, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Donations handed over in a period for hospital management: count, kinds, value, recipients."""
    shipments = list(
        DonationShipment.objects.visible_to(user)
        .filter(status=ShipmentStatus.HANDED_OVER, handed_over_on__gte=date_from, handed_over_on__lte=date_to)
        .select_related("aid_agreement__aid_organisation", "organisation")
        .annotate(item_count=Count("items"))
        .order_by("handed_over_on", "pk")
    )
    items = list(
        SurplusItem.objects.filter(shipment__in=[s.pk for s in shipments], state=ItemState.HANDED_OVER)
        .select_related("device_model", "shipment__aid_agreement__aid_organisation")
        .order_by("pk")
    )
    kinds: dict[str, dict[str, Any]] = defaultdict(lambda: {"items": 0, "units": 0, "value": Decimal("0.00")})
    recipients: dict[int, dict[str, Any]] = {}
    total_value = Decimal("0.00")
    for item in items:
        value = item.estimated_value or Decimal("0.00")
        category = item.device_model.category or item.device_model.name
        kinds[category]["items"] += 1
        kinds[category]["units"] += item.quantity
        kinds[category]["value"] += value
        assert item.shipment is not None
        org = item.shipment.aid_agreement.aid_organisation
        row = recipients.setdefault(
            org.pk,
            {
                "name": org.name,
                "agreement": item.shipment.aid_agreement.reference,
                "items": 0,
                "value": Decimal("0.00"),
            },
        )
        row["items"] += 1
        row["value"] += value
        total_value += value
    # Donation first (H7): items the aid rules allowed to donate that were sold or destroyed, and why.
    not_donated = [
        {
            "item": i.label,
            "case": i.case_id,
            "decision": i.get_disposition_display(),
            "decided_on": timezone.localtime(i.decided_at).date() if i.decided_at else None,
            "reason": i.not_donated_reason,
        }
        for i in SurplusItem.objects.visible_to(user)
        .exclude(not_donated_reason="")
        .filter(decided_at__date__gte=date_from, decided_at__date__lte=date_to)
        .select_related("device_model", "device")
        .order_by("decided_at", "pk")
    ]
    return {
        "date_from": date_from,
        "date_to": date_to,
        "not_donated_count": len(not_donated),
        "not_donated": not_donated,
        "count": len(items),
        "units": sum(i.quantity for i in items),
        "estimated_value": total_value,
        "kinds": [{"category": k, **v} for k, v in sorted(kinds.items())],
        "recipients": sorted(recipients.values(), key=lambda r: r["name"]),
        "shipments": shipments,
    }


def fixed_asset_disposals(*, user: Any, limit: int = 500) -> list[ChecklistEntry]:
    """Finance's list (Halland: "Se rutin för Anläggningstillgångar"): devices deregistered from the
    fixed-asset register, with asset number, book value and disposal, newest first."""
    return list(
        ChecklistEntry.objects.visible_to(user, Cap.BILLING_VIEW)
        .filter(step=ChecklistStep.DEREGISTRATION, evidence__has_key="book_value")
        .select_related("item__device", "item__case__organisation", "done_by")
        .order_by("-done_at", "-id")[:limit]
    )
