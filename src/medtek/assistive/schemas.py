"""API input and output of the assistive-device centre. No output carries a patient's identity except
the one identity endpoint, which logs the look."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from medtek.core.api import InputSchema, Money, PageQuery, page_schema

MAX_ID = 2**62


class ArticleOut(Schema):
    id: int
    centre_id: int
    device_model_id: int
    name: str
    iso_code: str
    monthly_rent: Decimal
    price: Decimal
    needs_fitting: bool
    fitting_fee: Decimal
    delivery_fee: Decimal


class StockOut(Schema):
    article_id: int
    article: str
    iso_code: str
    in_stock: int
    on_loan: int
    reconditioning: int
    out_of_use: int


class PrescriptionOut(Schema):
    id: int
    number: str
    organisation_id: int
    prescriber_id: int
    patient_id: int
    article_id: int
    need: str
    delivery_address: str
    delivery_unit_id: int | None
    prescribed_on: dt.date
    status: str


class LoanOut(Schema):
    id: int
    prescription_id: int
    patient_id: int
    organisation_id: int
    device_id: int = Field(..., alias="item.device_id")
    asset_number: str = Field(..., alias="item.device.asset_number")
    article_id: int = Field(..., alias="item.article_id")
    dispensed_on: dt.date
    delivered_to: str
    fitted_on: dt.date | None
    fitted: bool | None
    due_back_on: dt.date | None
    returned_on: dt.date | None
    return_condition: str
    reconditioning_id: int | None


class AccessOut(Schema):
    id: int
    user_id: int
    patient_id: int
    at: dt.datetime
    purpose: str
    reference: str


class IdentityOut(Schema):
    patient_id: int
    identity: str


PrescriptionPage = page_schema(PrescriptionOut, "PrescriptionPage")
LoanPage = page_schema(LoanOut, "LoanPage", count_on_request=True)
ArticlePage = page_schema(ArticleOut, "ArticlePage")
AccessPage = page_schema(AccessOut, "AccessPage")


class PrescriptionQuery(PageQuery):
    status: str = Field("", max_length=12, pattern=r"^(|open|dispensed|cancelled)$")


class CountedPageQuery(PageQuery):
    count: bool = Field(
        False,
        description="true: count the matching loans on this first page (up to 1,000) and carry the count "
        "in its cursor; without it the page's count is null",
    )


class LoanQuery(CountedPageQuery):
    open: bool = True
    overdue: bool = False


class IdentityQuery(PageQuery):
    purpose: str = Field("loan", pattern=r"^(prescription|dispensing|loan|export)$")


class PrescriptionIn(InputSchema):
    patient_identity: str = Field(
        ..., min_length=1, max_length=20, description="personnummer or samordningsnummer"
    )
    article_id: int = Field(..., ge=1, le=MAX_ID)
    need: str = Field(..., max_length=2000)
    delivery_address: str = Field("", max_length=200)
    delivery_unit_id: int | None = Field(None, ge=1, le=MAX_ID)
    prescriber_id: int | None = Field(None, ge=1, le=MAX_ID)


class DispenseIn(InputSchema):
    device_id: int = Field(..., ge=1, le=MAX_ID)
    delivered_to: str = Field("", max_length=200)
    dispensed_on: dt.date | None = None
    due_back_on: dt.date | None = None


class FittingIn(InputSchema):
    fitted: bool
    adjustments: str = Field("", max_length=2000)
    result: str = Field("", max_length=2000)
    fitted_on: dt.date | None = None


class ReturnIn(InputSchema):
    condition: str = Field(..., pattern=r"^(good|worn|damaged)$")
    returned_on: dt.date | None = None
    note: str = Field("", max_length=2000)


class ArticleIn(InputSchema):
    """A new article: the assistive-device model, its ISO 9999 code and prices (the centre when the user
    manages more than one)."""

    centre_id: int | None = Field(None, ge=1, le=MAX_ID)
    device_model_id: int = Field(..., ge=1, le=MAX_ID)
    name: str = Field(..., min_length=1, max_length=200)
    iso_code: str = Field(..., min_length=1, max_length=12, description="ISO 9999, e.g. 12 36 03")
    monthly_rent: Money
    price: Money
    needs_fitting: bool = False
    fitting_fee: Money = Decimal("0")
    delivery_fee: Money = Decimal("0")


class ArticlePatch(InputSchema):
    """Changes to an article: only the fields given."""

    name: str | None = Field(None, min_length=1, max_length=200)
    iso_code: str | None = Field(None, min_length=1, max_length=12)
    monthly_rent: Money | None = None
    price: Money | None = None
    needs_fitting: bool | None = None
    fitting_fee: Money | None = None
    delivery_fee: Money | None = None


class ArticleItemIn(InputSchema):
    """An item of the article to register: a device of the centre, in stock."""

    asset_number: str = Field(..., min_length=1, max_length=50)
    serial_number: str = Field("", max_length=100)
    location_id: int | None = Field(None, ge=1, le=MAX_ID)
    acquisition_date: dt.date | None = None


class ArticleItemOut(Schema):
    id: int
    article_id: int
    device_id: int
    asset_number: str = Field(..., alias="device.asset_number")
    serial_number: str = Field(..., alias="device.serial_number")
    status: str = Field(..., alias="device.status")


class FailedDecisionIn(InputSchema):
    """HMC's decision after the loan's item failed its reconditioning: repair, surplus (a surplus case
    in the decommissioning flow) or scrap (that case decided at once: destroy, as waste of a category)."""

    decision: str = Field(..., max_length=16, description="repair, surplus or scrap")
    waste_category: str = Field("", max_length=20, description="needed for scrap, e.g. electronic")
    reason: str = Field("", max_length=2000)


class FailedDecisionOut(Schema):
    loan_id: int = Field(..., alias="id")
    device_id: int = Field(..., alias="item.device_id")
    device_status: str = Field(..., alias="item.device.status")
    reconditioning_id: int | None
    decision: str
    decision_reason: str
    decided_at: dt.datetime | None
