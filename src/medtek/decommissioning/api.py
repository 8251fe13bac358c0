"""API: surplus cases, items (assessment, decision, checklist, hand-over), aid agreements, donation
shipments (manifest PDF/XLSX, hand-over, follow-up), MT's overview and the donation report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router

from medtek.core.api import ErrorOut, PageQuery, page_body
from medtek.core.downloads import download
from medtek.decommissioning import selectors, services
from medtek.decommissioning.models import SurplusItem
from medtek.decommissioning.schemas import (
    AidAgreementIn,
    AidAgreementOut,
    AidAgreementPatch,
    AssessIn,
    CaseDetailOut,
    CaseIn,
    CasePage,
    CaseQuery,
    DecisionIn,
    FollowUpIn,
    ItemOut,
    ItemPage,
    ItemQuery,
    OverviewOut,
    PeriodQuery,
    ReportOut,
    ShipmentDetailOut,
    ShipmentIn,
    ShipmentPage,
    StepIn,
)
from medtek.organizations.rules import Cap

router = Router(tags=["decommissioning"])


STEP_EVIDENCE = (
    "wipe_method",
    "source_outcome",
    "receiver",
    "licence_reference",
    "ssm_notified_on",
    "registers",
    "fixed_asset_number",
    "book_value",
    "disposal",
)


ERR = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _case_detail(request: HttpRequest, case_id: int) -> Any:
    case = selectors.case_get(user=request.user, pk=case_id)
    case.item_rows = selectors.case_items(case=case)  # type: ignore[attr-defined]
    return case


def _item(request: HttpRequest, item_id: int) -> SurplusItem:
    return selectors.item_get(user=request.user, pk=item_id)


@router.get("/cases", response={200: CasePage, 422: ErrorOut})
def case_list(request: HttpRequest, query: Query[CaseQuery]) -> Any:
    return page_body(
        selectors.case_list(user=request.user, status=query.status, cursor=query.cursor, limit=query.limit)
    )


@router.post("/cases", response={201: CaseDetailOut, **ERR})
def case_register(request: HttpRequest, payload: CaseIn) -> Any:
    case = services.surplus_case_register(
        user=request.user,
        organisation=payload.organisation_id,
        reason=payload.reason,
        devices=payload.device_ids,
        device_reasons=payload.device_reasons,
        lots=[
            services.LotSpec(
                model=lot.model_id,
                quantity=lot.quantity,
                lot_number=lot.lot_number,
                expiry_date=lot.expiry_date,
                reason=lot.reason,
            )
            for lot in payload.lots
        ],
        note=payload.note,
    )
    return 201, _case_detail(request, case.pk)


@router.get("/cases/{case_id}", response={200: CaseDetailOut, 404: ErrorOut})
def case_detail(request: HttpRequest, case_id: int) -> Any:
    return _case_detail(request, case_id)


@router.get("/items", response={200: ItemPage, 422: ErrorOut})
def item_list(request: HttpRequest, query: Query[ItemQuery]) -> Any:
    page = selectors.item_list(
        user=request.user,
        state=query.state,
        waiting=query.waiting,
        case_id=query.case_id,
        cursor=query.cursor,
        limit=query.limit,
    )
    return page_body(page)


@router.get("/items/{item_id}", response={200: ItemOut, 404: ErrorOut})
def item_detail(request: HttpRequest, item_id: int) -> Any:
    return _item(request, item_id)


@router.post("/items/{item_id}/assessment", response={200: ItemOut, **ERR})
def item_assess(request: HttpRequest, item_id: int, payload: AssessIn) -> Any:
    services.surplus_item_assess(user=request.user, item=item_id, **payload.dict(exclude_unset=True))
    return _item(request, item_id)


@router.post("/items/{item_id}/decision", response={200: ItemOut, **ERR})
def item_decide(request: HttpRequest, item_id: int, payload: DecisionIn) -> Any:
    data = payload.dict()
    services.surplus_item_decide(
        user=request.user,
        item=item_id,
        disposition=data["disposition"],
        recipient=data["recipient_id"],
        aid_agreement=data["aid_agreement_id"],
        shipment_date=data["shipment_date"],
        estimated_value=data["estimated_value"],
        selling_costs=data["selling_costs"],
        buyer_is_end_customer=data["buyer_is_end_customer"],
        distributor_responsibility=data["distributor_responsibility"],
        contract_reference=data["contract_reference"],
        mt_contact=data["mt_contact_id"],
        waste_category=data["waste_category"],
        reuse_owner=data["reuse_owner_id"],
        reuse_location=data["reuse_location_id"],
        note=data["note"],
        not_donated_reason=data["not_donated_reason"],
    )
    return _item(request, item_id)


@router.post("/items/{item_id}/steps", response={200: ItemOut, **ERR})
def item_step(request: HttpRequest, item_id: int, payload: StepIn) -> Any:
    data = payload.dict()
    evidence = {name: data.pop(name) for name in STEP_EVIDENCE}
    verified_by = data.pop("verified_by_id")
    services.surplus_item_record_step(
        user=request.user, item=item_id, evidence=evidence, verified_by=verified_by, **data
    )
    return _item(request, item_id)


@router.post("/items/{item_id}/hand-over", response={200: ItemOut, **ERR})
def item_hand_over(request: HttpRequest, item_id: int) -> Any:
    services.surplus_item_hand_over(user=request.user, item=item_id)
    return _item(request, item_id)


@router.get("/aid-agreements", response=list[AidAgreementOut])
def aid_agreement_list(request: HttpRequest) -> Any:
    return selectors.aid_agreement_list(user=request.user)


@router.post("/aid-agreements", response={201: AidAgreementOut, **ERR})
def aid_agreement_create(request: HttpRequest, payload: AidAgreementIn) -> Any:
    data = payload.dict()
    agreement = services.aid_agreement_create(
        user=request.user,
        region=data["region_id"],
        aid_organisation=data["aid_organisation_id"],
        reference=data["reference"],
        valid_from=data["valid_from"],
        valid_to=data["valid_to"],
        contact=request.user,
        notes=data["notes"],
    )
    return 201, agreement


@router.patch("/aid-agreements/{aid_agreement_id}", response={200: AidAgreementOut, **ERR})
def aid_agreement_update(request: HttpRequest, aid_agreement_id: int, payload: AidAgreementPatch) -> Any:
    """Change the fields sent; validated as a new aid agreement is (organisation, reference, period)."""
    agreement = selectors.aid_agreement_get(
        user=request.user, pk=aid_agreement_id, capability=Cap.AGREEMENT_MANAGE
    )
    changes = payload.dict(exclude_unset=True)
    if "aid_organisation_id" in changes:
        changes["aid_organisation"] = changes.pop("aid_organisation_id")
    services.aid_agreement_update(user=request.user, agreement=agreement, **changes)
    return selectors.aid_agreement_get(user=request.user, pk=aid_agreement_id)


@router.get("/shipments", response={200: ShipmentPage, 422: ErrorOut})
def shipment_list(request: HttpRequest, query: Query[PageQuery]) -> Any:
    return page_body(selectors.shipment_list(user=request.user, cursor=query.cursor, limit=query.limit))


def _shipment_detail(request: HttpRequest, shipment_id: int) -> Any:
    shipment = selectors.shipment_get(user=request.user, pk=shipment_id)
    shipment.item_rows = selectors.shipment_items(shipment=shipment)  # type: ignore[attr-defined]
    return shipment


@router.post("/shipments", response={201: ShipmentDetailOut, **ERR})
def shipment_create(request: HttpRequest, payload: ShipmentIn) -> Any:
    shipment = services.donation_shipment_create(
        user=request.user,
        aid_agreement=payload.aid_agreement_id,
        shipment_date=payload.shipment_date,
        items=payload.item_ids,
        note=payload.note,
    )
    return 201, _shipment_detail(request, shipment.pk)


@router.get("/shipments/{shipment_id}", response={200: ShipmentDetailOut, 404: ErrorOut})
def shipment_detail(request: HttpRequest, shipment_id: int) -> Any:
    return _shipment_detail(request, shipment_id)


@router.post("/shipments/{shipment_id}/hand-over", response={200: ShipmentDetailOut, **ERR})
def shipment_hand_over(request: HttpRequest, shipment_id: int) -> Any:
    services.donation_shipment_hand_over(user=request.user, shipment=shipment_id)
    return _shipment_detail(request, shipment_id)


@router.post("/shipments/{shipment_id}/follow-up", response={200: ShipmentDetailOut, **ERR})
def shipment_follow_up(request: HttpRequest, shipment_id: int, payload: FollowUpIn) -> Any:
    services.donation_shipment_follow_up(
        user=request.user, shipment=shipment_id, follow_up=payload.follow_up, received_on=payload.received_on
    )
    return _shipment_detail(request, shipment_id)


@router.get("/shipments/{shipment_id}/manifest.pdf", response={200: None, 404: ErrorOut})
def shipment_manifest_pdf(request: HttpRequest, shipment_id: int) -> HttpResponse:
    from medtek.decommissioning import exports

    shipment = selectors.shipment_get(user=request.user, pk=shipment_id)
    rows = selectors.shipment_manifest_rows(shipment=shipment)
    return download(exports.manifest_pdf(shipment, rows), f"manifest-{shipment.pk}.pdf")


@router.get("/shipments/{shipment_id}/manifest.xlsx", response={200: None, 404: ErrorOut})
def shipment_manifest_xlsx(request: HttpRequest, shipment_id: int) -> HttpResponse:
    from medtek.decommissioning import exports

    shipment = selectors.shipment_get(user=request.user, pk=shipment_id)
    rows = selectors.shipment_manifest_rows(shipment=shipment)
    return download(exports.manifest_xlsx(shipment, rows), f"manifest-{shipment.pk}.xlsx")


@router.get("/overview", response=OverviewOut)
def overview(request: HttpRequest) -> Any:
    data = selectors.overview(user=request.user)
    return {
        "open_cases": data["cases_count"],
        "waiting_decision": data["waiting_decision"],
        "waiting_decision_count": data["waiting_decision_count"],
        "waiting_checklist": data["waiting_checklist"],
        "waiting_checklist_count": data["waiting_checklist_count"],
        "waiting_shipment_count": data["waiting_shipment_count"],
    }


def _period(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return date_from or today.replace(month=1, day=1), date_to or today


@router.get("/reports/donations", response={200: ReportOut, 422: ErrorOut})
def donation_report(request: HttpRequest, query: Query[PeriodQuery]) -> Any:
    start, end = _period(query.date_from, query.date_to)
    return selectors.donation_report(user=request.user, date_from=start, date_to=end)


@router.get("/reports/donations.pdf", response={200: None, 422: ErrorOut})
def donation_report_pdf(request: HttpRequest, query: Query[PeriodQuery]) -> HttpResponse:
    from medtek.decommissioning import exports

    start, end = _period(query.date_from, query.date_to)
    report = selectors.donation_report(user=request.user, date_from=start, date_to=end)
    return download(exports.report_pdf(report), f"donations-{start}-{end}.pdf")


@router.get("/reports/donations.xlsx", response={200: None, 422: ErrorOut})
def donation_report_xlsx(request: HttpRequest, query: Query[PeriodQuery]) -> HttpResponse:
    from medtek.decommissioning import exports

    start, end = _period(query.date_from, query.date_to)
    report = selectors.donation_report(user=request.user, date_from=start, date_to=end)
    return download(exports.report_xlsx(report), f"donations-{start}-{end}.xlsx")


__all__ = ["Cap", "router"]
