"""API: surplus cases, items (assessment, decision, checklist, hand-over), aid agreements, donation
shipments (manifest PDF/XLSX, hand-over, follow-up), MT's overview and the donation report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from medtek.core.api import ErrorOut, InputSchema, Money, PageQuery, QueryInput, page_body, page_schema
from medtek.core.downloads import download
from medtek.decommissioning import exports, selectors, services
from medtek.decommissioning.models import SurplusItem
from medtek.organizations.rules import Cap

router = Router(tags=["decommissioning"])


class LotIn(InputSchema):
    model_id: int
    quantity: int = Field(..., ge=1)
    lot_number: str = ""
    expiry_date: dt.date | None = None
    reason: str = ""


class CaseIn(InputSchema):
    organisation_id: int | None = None
    reason: str = Field(
        ..., description="replaced_on_reinvestment, no_longer_needed, broken_beyond_repair, other"
    )
    device_ids: list[int] = []
    device_reasons: dict[int, str] = Field({}, description="a different reason per device id")
    lots: list[LotIn] = []
    note: str = ""


class StepOut(Schema):
    step: str
    done_at: dt.datetime
    done_by: str = Field(..., alias="done_by.username")
    performed_by: str
    method: str
    note: str


class ItemOut(Schema):
    id: int
    case_id: int
    kind: str
    label: str
    device_id: int | None
    asset_number: str | None = Field(None, alias="device.asset_number")
    model_id: int = Field(..., alias="device_model_id")
    model: str = Field(..., alias="device_model.name")
    category: str = Field(..., alias="device_model.category")
    quantity: int
    lot_number: str
    expiry_date: dt.date | None
    reason: str
    state: str
    condition: str
    accessories: str
    manuals_included: bool
    functional_test_done: bool
    estimated_value: Decimal | None
    disposition: str
    recipient_id: int | None
    aid_agreement_id: int | None
    selling_costs: Decimal | None
    contract_reference: str
    waste_category: str
    shipment_id: int | None
    handed_over_on: dt.date | None
    required_steps: list[str]
    open_steps: list[str]
    checklist: list[StepOut]

    @staticmethod
    def resolve_required_steps(obj: SurplusItem) -> list[str]:
        return services.item_required_steps(obj)

    @staticmethod
    def resolve_open_steps(obj: SurplusItem) -> list[str]:
        return services.item_open_steps(obj, [e.step for e in obj.checklist.all()])

    @staticmethod
    def resolve_checklist(obj: SurplusItem) -> list[Any]:
        return list(obj.checklist.all())


class CaseOut(Schema):
    id: int
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    department_id: int | None
    department: str | None = Field(None, alias="department.name")
    registered_by: str = Field(..., alias="registered_by.username")
    created_at: dt.datetime
    status: str
    note: str


class CaseDetailOut(CaseOut):
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj: Any) -> list[Any]:
        return list(obj.item_rows)


class CaseListOut(CaseOut):
    item_count: int
    undecided_count: int


class AssessIn(InputSchema):
    condition: str | None = None
    accessories: str | None = None
    manuals_included: bool | None = None
    functional_test_done: bool | None = None
    estimated_value: Money | None = None
    assessment_note: str | None = None


class DecisionIn(InputSchema):
    disposition: str = Field(..., description="reuse, donate, sell, trade_in or destroy")
    recipient_id: int | None = None
    aid_agreement_id: int | None = None
    shipment_date: dt.date | None = Field(
        None, description="planned shipment date of a donation (today if empty)"
    )
    estimated_value: Money | None = None
    selling_costs: Money | None = None
    buyer_is_end_customer: bool | None = None
    distributor_responsibility: bool | None = None
    contract_reference: str = ""
    mt_contact_id: int | None = None
    waste_category: str = ""
    reuse_owner_id: int | None = None
    reuse_location_id: int | None = None
    note: str = ""
    not_donated_reason: str = Field("", max_length=2000, description="why an item that may be donated is not")


class StepIn(InputSchema):
    step: str = Field(..., description="inventory_listing, deregistration, patient_data_wiped, ...")
    done_at: dt.datetime | None = None
    method: str = ""
    performed_by: str = ""
    note: str = ""
    verified_by_id: int | None = Field(None, description="the second person who verified the step")
    wipe_method: str = ""
    source_outcome: str = ""
    receiver: str = Field("", max_length=200)
    licence_reference: str = Field("", max_length=200)
    ssm_notified_on: dt.date | None = None
    registers: list[str] = Field(default_factory=list, max_length=10)
    fixed_asset_number: str = Field("", max_length=100)
    book_value: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    disposal: str = Field("", max_length=200)


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


class AidAgreementIn(InputSchema):
    region_id: int
    aid_organisation_id: int
    reference: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    notes: str = ""


class AidAgreementOut(Schema):
    id: int
    region_id: int
    aid_organisation_id: int
    aid_organisation: str = Field(..., alias="aid_organisation.name")
    reference: str
    valid_from: dt.date
    valid_to: dt.date | None
    contact: str | None = Field(None, alias="contact.username")


class ShipmentIn(InputSchema):
    aid_agreement_id: int
    shipment_date: dt.date
    item_ids: list[int]
    note: str = ""


class FollowUpIn(InputSchema):
    follow_up: str
    received_on: dt.date | None = None


class ShipmentOut(Schema):
    id: int
    organisation_id: int
    aid_agreement_id: int
    aid_organisation: str = Field(..., alias="aid_agreement.aid_organisation.name")
    agreement_reference: str = Field(..., alias="aid_agreement.reference")
    shipment_date: dt.date
    status: str
    handed_over_on: dt.date | None
    follow_up: str
    follow_up_on: dt.date | None


class ShipmentListOut(ShipmentOut):
    item_count: int


class ShipmentDetailOut(ShipmentOut):
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj: Any) -> list[Any]:
        return list(obj.item_rows)


class OverviewOut(Schema):
    open_cases: int
    waiting_decision: list[ItemOut]
    waiting_decision_count: int
    waiting_checklist: list[ItemOut]
    waiting_checklist_count: int
    waiting_shipment_count: int


class KindRow(Schema):
    category: str
    items: int
    units: int
    value: Decimal


class RecipientRow(Schema):
    name: str
    agreement: str
    items: int
    value: Decimal


class ReportOut(Schema):
    date_from: dt.date
    date_to: dt.date
    count: int
    units: int
    estimated_value: Decimal
    kinds: list[KindRow]
    recipients: list[RecipientRow]
    shipments: list[ShipmentListOut]


class CaseQuery(PageQuery):
    status: str = ""


class ItemQuery(PageQuery):
    state: str = ""
    waiting: str = ""
    case_id: int | None = None


class PeriodQuery(QueryInput):
    date_from: dt.date | None = None
    date_to: dt.date | None = None


CasePage = page_schema(CaseListOut, "SurplusCasePage")
ItemPage = page_schema(ItemOut, "SurplusItemPage")
ShipmentPage = page_schema(ShipmentListOut, "DonationShipmentPage")
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
    shipment = selectors.shipment_get(user=request.user, pk=shipment_id)
    rows = selectors.shipment_manifest_rows(shipment=shipment)
    return download(exports.manifest_pdf(shipment, rows), f"manifest-{shipment.pk}.pdf")


@router.get("/shipments/{shipment_id}/manifest.xlsx", response={200: None, 404: ErrorOut})
def shipment_manifest_xlsx(request: HttpRequest, shipment_id: int) -> HttpResponse:
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
    start, end = _period(query.date_from, query.date_to)
    report = selectors.donation_report(user=request.user, date_from=start, date_to=end)
    return download(exports.report_pdf(report), f"donations-{start}-{end}.pdf")


@router.get("/reports/donations.xlsx", response={200: None, 422: ErrorOut})
def donation_report_xlsx(request: HttpRequest, query: Query[PeriodQuery]) -> HttpResponse:
    start, end = _period(query.date_from, query.date_to)
    report = selectors.donation_report(user=request.user, date_from=start, date_to=end)
    return download(exports.report_xlsx(report), f"donations-{start}-{end}.xlsx")


__all__ = ["Cap", "router"]
