"""The decommissioning API's input and output schemas; `decommissioning/api.py` takes them from here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from medtek.core.api import InputSchema, Money, PageQuery, QueryInput, page_schema
from medtek.decommissioning import services
from medtek.decommissioning.models import SurplusItem


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


class AidAgreementIn(InputSchema):
    region_id: int
    aid_organisation_id: int
    reference: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    notes: str = ""


class AidAgreementPatch(InputSchema):
    """A change of an aid agreement: only the fields sent change; its region never does."""

    aid_organisation_id: int | None = None
    reference: str | None = Field(None, max_length=40)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = Field(None, description="null: until further notice")
    notes: str | None = None


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
