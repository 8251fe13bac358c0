"""The agreements API's input and output schemas; `agreements/api.py` takes them from here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from medtek.agreements.choices import RateRounding
from medtek.core.api import InputSchema, Money, PageQuery, QueryInput, page_schema

ROUNDING_HELP = "How each year's indexed rate is rounded (half up): krona (whole kronor) or ore (öre)"


class PartyOut(Schema):
    customer_id: int
    customer: str
    buyer_reference: str


class AgreementOut(Schema):
    id: int
    reference: str
    title: str
    kind: str
    provider_id: int
    provider: str
    seller_id: int
    valid_from: dt.date
    valid_until: dt.date
    notice_months: int
    auto_extend: bool
    extension_months: int
    terminated_on: dt.date | None
    termination_decision: str
    termination_forum: str
    rate_schedule_id: int | None
    fixed_mode: str
    fixed_base_hours: Decimal
    fixed_minutes_per_device: Decimal
    fixed_base_amount: Decimal
    fixed_amount_per_device: Decimal
    count_reference: str
    vat_applies: bool
    vat_rate: Decimal
    vat_exemption_reason: str
    advice_hours_limit: Decimal | None = None
    parties: list[PartyOut]
    as_of: dt.date
    status: str
    current_end: dt.date
    notice_deadline: dt.date | None


class PartyIn(InputSchema):
    customer_id: int
    buyer_reference: str


class AgreementIn(InputSchema):
    provider_id: int
    seller_id: int
    reference: str
    title: str
    valid_from: dt.date
    valid_until: dt.date
    customers: list[PartyIn]
    rate_schedule_id: int | None = None
    kind: str = "mt_support"
    notice_months: int = Field(12, ge=0, le=120)
    auto_extend: bool = True
    extension_months: int = Field(24, ge=0, le=240)
    fixed_mode: str = "hours"
    fixed_base_hours: Decimal = Field(Decimal("40"), max_digits=8, decimal_places=2)
    fixed_minutes_per_device: Decimal = Field(Decimal("12"), max_digits=8, decimal_places=2)
    fixed_base_amount: Money = Decimal("0")
    fixed_amount_per_device: Money = Decimal("0")
    count_reference: str = "day_before"
    vat_applies: bool = True
    vat_rate: Decimal = Field(Decimal("25"), max_digits=5, decimal_places=2)
    vat_exemption_reason: str = ""
    payment_terms_days: int = Field(30, ge=0, le=365)
    bankgiro: str = ""


class AgreementPatch(InputSchema):
    """A change of an agreement: only the fields sent change; its provider and kind never do."""

    reference: str | None = Field(None, max_length=60)
    title: str | None = Field(None, max_length=200)
    seller_id: int | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    customers: list[PartyIn] | None = Field(None, description="Replaces the parties: every customer")
    rate_schedule_id: int | None = Field(None, description="null: no rate schedule")
    notice_months: int | None = Field(None, ge=0, le=120)
    auto_extend: bool | None = None
    extension_months: int | None = Field(None, ge=0, le=240)
    fixed_mode: str | None = None
    fixed_base_hours: Decimal | None = Field(None, max_digits=8, decimal_places=2)
    fixed_minutes_per_device: Decimal | None = Field(None, max_digits=8, decimal_places=2)
    fixed_base_amount: Money | None = None
    fixed_amount_per_device: Money | None = None
    count_reference: str | None = None
    vat_applies: bool | None = None
    vat_rate: Decimal | None = Field(None, max_digits=5, decimal_places=2)
    vat_exemption_reason: str | None = Field(None, max_length=200)
    payment_terms_days: int | None = Field(None, ge=0, le=365)
    bankgiro: str | None = Field(None, max_length=20)
    notes: str | None = None


class TerminateIn(InputSchema):
    given_on: dt.date
    decision_reference: str
    forum: str


class DeadlineOut(Schema):
    agreement_id: int
    reference: str
    title: str
    deadline: dt.date
    current_end: dt.date
    days_left: int


class FigureOut(Schema):
    year: int
    change_percent: Decimal
    publication_reference: str
    is_example: bool


class RateScheduleOut(Schema):
    id: int
    provider_id: int
    name: str
    base_rate: Decimal
    valid_from: dt.date
    index_name: str
    rounding: str
    figures: list[FigureOut]


class RateScheduleIn(InputSchema):
    provider_id: int
    name: str
    base_rate: Money
    valid_from: dt.date
    rounding: RateRounding = Field(RateRounding.KRONA, description=ROUNDING_HELP)
    index_name: str = "VPI"


class RateSchedulePatch(InputSchema):
    rounding: RateRounding = Field(..., description=ROUNDING_HELP)


class FigureIn(InputSchema):
    year: int = Field(..., ge=1900, le=2100)
    change_percent: Decimal = Field(..., max_digits=6, decimal_places=3)
    publication_reference: str
    is_example: bool = False


class RateOut(Schema):
    rate_schedule_id: int
    day: dt.date
    rate: Decimal


class DayQuery(QueryInput):
    day: dt.date | None = None


class AgreementListQuery(PageQuery):
    day: dt.date | None = None


class DeadlinesQuery(QueryInput):
    within: str = Field("90d", max_length=20)
    today: dt.date | None = None


AgreementPage = page_schema(AgreementOut, "AgreementPage")


RateSchedulePage = page_schema(RateScheduleOut, "RateSchedulePage")


class AgreementStrictIn(InputSchema):
    """The relationship's write bodies: unknown fields refused, like every input."""


class AgreementContactOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    role: str
    user_id: int | None
    name: str
    email: str


class AgreementContactIn(AgreementStrictIn):
    organisation_id: int
    role: str
    user_id: int | None = None
    name: str = Field("", max_length=200)
    email: str = Field("", max_length=254)


class AgreementNoticeOut(Schema):
    id: int
    kind: str
    from_party_id: int
    from_party: str
    to_party_id: int
    to_party: str
    description: str
    effective_on: dt.date | None
    status: str
    recorded_by: str
    acknowledged_by: str | None
    acknowledged_at: dt.datetime | None
    response: str


class AgreementNoticeIn(AgreementStrictIn):
    kind: str
    description: str = Field(..., max_length=4000)
    effective_on: dt.date | None = None
    to_party_id: int | None = None


class AgreementNoticeAckIn(AgreementStrictIn):
    response: str = Field("", max_length=4000)


class AgreementMonitoringOut(Schema):
    agreement_id: int
    reference: str
    external_supplier_id: int | None
    external_supplier: str | None
    device_ids: list[int]


class AgreementMonitoringIn(AgreementStrictIn):
    external_supplier_id: int
    device_ids: list[int] = Field(..., max_length=10000)


class AgreementActionOut(Schema):
    id: int
    description: str
    owner_party_id: int
    owner_name: str
    due_on: dt.date
    done_on: dt.date | None


class AgreementEvaluationOut(Schema):
    id: int
    agreement_id: int
    period_start: dt.date
    period_end: dt.date
    mt_assessment: str
    customer_assessment: str
    conclusions: str
    reported_on: dt.date | None
    reported_to: list[str]
    actions: list[AgreementActionOut]


class AgreementEvaluationStartIn(AgreementStrictIn):
    year: int | None = Field(None, ge=2000, le=2200)
    period_start: dt.date | None = None
    period_end: dt.date | None = None


class AgreementEvaluationPatch(AgreementStrictIn):
    mt_assessment: str | None = Field(None, max_length=20000)
    customer_assessment: str | None = Field(None, max_length=20000)
    conclusions: str | None = Field(None, max_length=20000)


class AgreementActionIn(AgreementStrictIn):
    description: str = Field(..., max_length=4000)
    owner_party_id: int | None = None
    owner_name: str = Field("", max_length=200)
    due_on: dt.date | None = None


class AgreementActionDoneIn(AgreementStrictIn):
    done_on: dt.date | None = None


class AgreementReportIn(AgreementStrictIn):
    arenas: list[str] = Field(..., max_length=4)
    reported_on: dt.date | None = None


class AgreementAdviceLimitIn(AgreementStrictIn):
    advice_hours_limit: Decimal | None = Field(None, max_digits=8, decimal_places=2)
