"""The maintenance API's input and output schemas; `maintenance/api.py` takes them from here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema
from pydantic import ValidationInfo, field_validator

from medtek.core.api import (
    InputSchema,
    Money,
    PageQuery,
    QueryInput,
    money_product,
    page_schema,
)
from medtek.maintenance.choices import MaterialKind, TimeBasis, WorkOrderKind
from medtek.maintenance.models import ProtocolRecord


class SlaOut(Schema):
    priority: str
    working_time: bool
    response_due_at: dt.datetime | None
    resolution_due_at: dt.datetime | None
    response_hours: Decimal | None
    resolution_hours: Decimal | None
    response_state: str
    resolution_state: str


class WorkOrderOut(Schema):
    id: int
    number: str
    kind: str
    status: str
    device_id: int | None
    asset_number: str | None = Field(None, alias="device.asset_number")
    customer_id: int
    customer: str = Field(..., alias="customer.name")
    location_id: int | None
    title: str
    description: str
    priority: str | None = Field(None, alias="priority.code")
    reported_by_id: int | None
    reported_at: dt.datetime | None
    accepted_at: dt.datetime | None
    started_at: dt.datetime | None
    done_at: dt.datetime | None
    closed_at: dt.datetime | None
    due_date: dt.date | None
    response_due_at: dt.datetime | None
    resolution_due_at: dt.datetime | None
    waiting_reason: str
    assigned_to_id: int | None
    resolution: str
    approved: bool | None
    origin_id: int | None


class TimeEntryOut(Schema):
    id: int
    technician_id: int
    date: dt.date
    hours: Decimal
    billable: bool
    note: str


class TravelEntryOut(Schema):
    id: int
    date: dt.date
    location_id: int | None
    description: str
    cost: Decimal
    billable: bool


class MaterialLineOut(Schema):
    id: int
    date: dt.date
    kind: str
    article_number: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    billable: bool


class ResultLineOut(Schema):
    item_id: int
    checked: bool | None
    value: Decimal | None
    unit: str
    passed: bool


class ProtocolRecordOut(Schema):
    id: int
    template: str = Field(..., alias="template.code")
    device_id: int
    work_order_id: int
    result: str
    performed_at: dt.datetime | None
    performed_by_id: int | None
    lines: list[ResultLineOut] = Field(default_factory=list)

    @staticmethod
    def resolve_lines(obj: ProtocolRecord) -> list[Any]:
        return list(obj.lines.all())


class WorkOrderDetailOut(WorkOrderOut):
    sla: SlaOut = Field(..., alias="sla_data")
    time_entries: list[TimeEntryOut] = Field(..., alias="entries_time")
    travel_entries: list[TravelEntryOut] = Field(..., alias="entries_travel")
    material_lines: list[MaterialLineOut] = Field(..., alias="entries_material")
    protocol_records: list[ProtocolRecordOut] = Field(..., alias="records_list")


WorkOrderPage = page_schema(WorkOrderOut, "WorkOrderPage")


class ReportIn(InputSchema):
    kind: WorkOrderKind = WorkOrderKind.CM
    title: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    device_id: int | None = None
    customer_id: int | None = None
    location_id: int | None = None


class TriageIn(InputSchema):
    priority: str = Field(..., description="Priority code (e.g. P2) or id")
    assigned_to_id: int | None = None


class AssignIn(InputSchema):
    assigned_to_id: int


class WorkOrderStatusIn(InputSchema):
    status: str
    waiting_reason: str = ""
    resolution: str = ""


class CompleteIn(InputSchema):
    resolution: str = ""


class TimeEntryIn(InputSchema):
    date: dt.date
    hours: Decimal = Field(..., max_digits=5, decimal_places=2)
    billable: bool = True
    note: str = ""


class TravelEntryIn(InputSchema):
    date: dt.date
    cost: Money
    location_id: int | None = None
    description: str = ""
    billable: bool = True


class MaterialLineIn(InputSchema):
    date: dt.date
    kind: MaterialKind
    description: str = Field(..., min_length=1)
    quantity: Decimal = Field(..., max_digits=10, decimal_places=2)
    unit_price: Money
    article_number: str = ""
    billable: bool = True

    @field_validator("unit_price")
    @classmethod
    def _amount_fits(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        return money_product(info.data.get("quantity"), value)


class AnswerIn(InputSchema):
    item_id: int
    checked: bool | None = None
    value: Decimal | None = Field(None, max_digits=12, decimal_places=4)
    unit: str = ""


class ResultsIn(InputSchema):
    results: list[AnswerIn]
    complete: bool = True


class PMStateOut(Schema):
    device_id: int
    pm_class: str | None = Field(None, alias="pm_class.code")
    rank: int
    interval_override_months: int | None
    interval_months: int | None
    last_done: dt.date | None
    next_due: dt.date | None


class PMStateIn(InputSchema):
    interval_override_months: int | None = None
    last_done: dt.date | None = None


class PlanIn(InputSchema):
    horizon_days: int = 30


class PlanOut(Schema):
    id: int
    horizon_end: dt.date
    work_orders_created: int
    watch_items_created: int


class PMDueOut(Schema):
    customer_id: int
    customer: str
    overdue: int
    due: int
    open: int
    late: int


class WatchItemOut(Schema):
    id: int
    device_id: int
    asset_number: str = Field(..., alias="device.asset_number")
    owner_id: int = Field(..., alias="device.owner_id")
    external_maintainer_id: int | None
    due_date: dt.date
    status: str


class ConfirmIn(InputSchema):
    done_on: dt.date


class PMClassIO(Schema):
    code: str
    name: str = ""
    rank: int
    min_score: int
    max_score: int
    interval_months: int | None = None


class CMLevelIO(Schema):
    code: str
    name: str = ""
    rank: int
    response_hours: Decimal = Field(..., max_digits=7, decimal_places=2)
    resolution_hours: Decimal = Field(..., max_digits=7, decimal_places=2)
    time_basis: TimeBasis = TimeBasis.CALENDAR


class PMClassIn(PMClassIO, InputSchema):
    pass


class CMLevelIn(CMLevelIO, InputSchema):
    pass


class PriorityModelsOut(Schema):
    pm_classes: list[PMClassIO]
    cm_levels: list[CMLevelIO]


class PMModelIn(InputSchema):
    classes: list[PMClassIn]


class CMModelIn(InputSchema):
    levels: list[CMLevelIn]


class ProtocolItemIO(Schema):
    id: int | None = None
    order: int = 0
    kind: str = "check"
    label: str
    unit: str = ""
    lower_limit: Decimal | None = Field(None, max_digits=12, decimal_places=4)
    upper_limit: Decimal | None = Field(None, max_digits=12, decimal_places=4)


class ProtocolItemIn(ProtocolItemIO, InputSchema):
    pass


class ProtocolTemplateOut(Schema):
    id: int
    code: str
    name: str
    description: str
    items: list[ProtocolItemIO]
    device_model_ids: list[int]

    @staticmethod
    def resolve_items(obj: Any) -> list[Any]:
        return list(obj.items.all())

    @staticmethod
    def resolve_device_model_ids(obj: Any) -> list[int]:
        return [m.pk for m in obj.device_models.all()]


class ProtocolTemplateIn(InputSchema):
    code: str
    name: str
    description: str = ""
    items: list[ProtocolItemIn]
    device_model_ids: list[int] = []


class KeyFiguresOut(Schema):
    customer_id: int
    start: dt.date
    end: dt.date
    pm_due: int
    pm_done: int
    pm_not_approved: int
    pm_done_on_time: int
    pm_completion_rate: Decimal | None
    pm_overdue: int
    cm_count: int
    cm_response_measured: int
    cm_response_within: int
    cm_response_rate: Decimal | None
    cm_resolution_measured: int
    cm_resolution_within: int
    cm_resolution_rate: Decimal | None
    mttr_hours: Decimal | None
    blocked_devices: int


class WorkOrderQuery(PageQuery):
    kind: str = ""
    state: str = ""
    customer: str = ""
    device: str = ""
    priority: str = ""
    mine: bool = False
    technician: str = Field("", description="the assigned technician's user id")
    sort: str = Field("", description="due or -due: by due date (PM due date, else resolution target)")


class PMDueQuery(QueryInput):
    horizon_days: int = Field(30, ge=0, le=732)


class OverrideIn(InputSchema):
    reason: str


class DeviceStatusOut(Schema):
    device_id: int = Field(..., alias="pk")
    status: str


class KeyFiguresQuery(QueryInput):
    customer: int
    start: dt.date
    end: dt.date


class KeyFiguresRowOut(KeyFiguresOut):
    customer: str
    devices: int


class KeyFiguresTableOut(Schema):
    start: dt.date
    end: dt.date
    rows: list[KeyFiguresRowOut]
    total: KeyFiguresRowOut


class KeyFiguresTableQuery(QueryInput):
    start: dt.date
    end: dt.date
