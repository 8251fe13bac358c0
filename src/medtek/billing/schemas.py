"""The billing API's input and output schemas; `billing/api.py` takes them from here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from medtek.billing import selectors
from medtek.core.api import InputSchema, PageQuery, QueryInput, page_schema


class LineOut(Schema):
    position: int
    kind: str
    description: str
    quantity: Decimal
    unit_code: str
    unit_price: Decimal
    amount: Decimal
    work_order_id: int | None
    work_order: str | None = None
    work_date: dt.date | None
    basis: dict[str, Any]

    @staticmethod
    def resolve_work_order(obj: Any) -> str | None:
        return obj.work_order.number if obj.work_order_id else None


class InvoiceOut(Schema):
    id: int
    kind: str
    status: str
    number: str
    agreement_id: int
    customer_id: int
    customer: str
    part: str
    period: str
    period_start: dt.date
    period_end: dt.date
    buyer_reference: str
    issue_date: dt.date | None
    due_date: dt.date | None
    vat_applies: bool
    vat_rate: Decimal
    net_total: Decimal
    vat_total: Decimal
    gross_total: Decimal
    credited_invoice_id: int | None
    note: str
    basis: dict[str, Any]

    @staticmethod
    def resolve_customer(obj: Any) -> str:
        return str(obj.customer.name)


class InvoiceDetailOut(InvoiceOut):
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return selectors.invoice_lines(invoice=obj)


class RunIn(InputSchema):
    part: str = Field(..., description="fixed or variable")
    period: str = Field(..., description="2026H1 for the fixed part, 2026-03 for the variable part")
    agreement_id: int | None = None
    reference_date: dt.date | None = None


class RunOut(Schema):
    part: str
    period: str
    run_id: int | None
    created: list[int]
    updated: list[int]
    unchanged: list[int]


class RunRow(Schema):
    id: int
    part: str
    period: str
    run_at: dt.datetime
    created: int
    updated: int
    unchanged: int


class IssueIn(InputSchema):
    issue_date: dt.date | None = None


class CreditIn(InputSchema):
    reason: str


class BasisRowOut(Schema):
    customer_id: int
    customer: str
    count: int
    share: Decimal
    amount: Decimal


class BasisOut(Schema):
    agreement_id: int
    period: str
    reference_date: dt.date
    devices: int
    hours: Decimal | None
    rate: Decimal | None
    total: Decimal
    rows: list[BasisRowOut]


class InvoiceQuery(PageQuery):
    period: str = ""
    status: str = ""
    part: str = ""
    customer: int | None = None


class BasisQuery(QueryInput):
    agreement_id: int
    period: str = Field(..., max_length=20)
    reference_date: dt.date | None = None


InvoicePage = page_schema(InvoiceOut, "InvoicePage")


RunPage = page_schema(RunRow, "BillingRunPage")
