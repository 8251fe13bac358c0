"""The API's schemas for notices, their devices and incidents; input schemas refuse unknown fields."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import ConfigDict

from medtek.core.api import page_schema

# A database id: a bigint, so a larger number is refused as input rather than sent to the database.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class SafetySerialRangeIn(_In):
    start: str = Field(..., max_length=80)
    end: str = Field(..., max_length=80)


class SafetyNoticeIn(_In):
    manufacturer_id: Id
    reference: str = Field(..., max_length=80)
    title: str = Field(..., max_length=200)
    issued_on: dt.date
    action: str = Field(..., description="inspect, update_software, replace_part, stop_using")
    urgency: str = Field(..., description="immediate, high, routine")
    instructions: str = ""
    model_ids: list[Id] = Field([], max_length=200)
    udi_dis: list[str] = Field([], max_length=500)
    lots: list[str] = Field([], max_length=5000)
    serial_ranges: list[SafetySerialRangeIn] = Field([], max_length=200)
    department_id: Id | None = None


class SafetyDecisionIn(_In):
    decision: str = Field(..., description="affected, not_affected")
    reason: str = ""


class SafetyAcknowledgeIn(_In):
    customer_id: Id | None = None
    note: str = Field("", max_length=500)


class SafetyProgressOut(Schema):
    searched: bool
    found: int
    checked: int
    affected: int
    not_affected: int
    corrected: int
    customers: int
    acknowledged: int
    complete: bool
    outstanding: list[str]


class SafetyNoticeOut(Schema):
    id: int
    department_id: int
    manufacturer_id: Id
    manufacturer: str = Field(..., alias="manufacturer.name")
    reference: str
    title: str
    issued_on: dt.date
    action: str
    urgency: str
    instructions: str
    model_ids: list[int]
    udi_dis: list[str]
    lots: list[str]
    serial_ranges: list[dict[str, str]]
    status: str
    searched_at: dt.datetime | None
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_model_ids(obj: Any) -> list[int]:
        return [m.pk for m in obj.device_models.all()]


class SafetyNoticeDetailOut(SafetyNoticeOut):
    progress: SafetyProgressOut


class SafetyAffectedOut(Schema):
    id: int
    notice_id: int
    device_id: Id
    asset_number: str = Field(..., alias="device.asset_number")
    serial_number: str = Field(..., alias="device.serial_number")
    lot: str = Field(..., alias="device.lot")
    model_id: int = Field(..., alias="device.model_id")
    device_status: str = Field(..., alias="device.status")
    customer_id: int
    customer: str = Field(..., alias="customer.name")
    source: str
    decision: str
    reason: str
    decided_at: dt.datetime | None
    work_order_id: int | None
    work_order: str | None = Field(None, alias="work_order.number")
    work_status: str | None = Field(None, alias="work_order.status")
    blocked_at: dt.datetime | None


class SafetyCountOut(Schema):
    count: int


class SafetyAcknowledgementOut(Schema):
    notice_id: int
    customer_id: int
    acknowledged_by: str = Field(..., alias="acknowledged_by.username")
    acknowledged_at: dt.datetime
    note: str


class SafetyIncidentIn(_In):
    device_id: Id
    kind: str = Field(..., description="adverse_event, near_miss")
    occurred_at: dt.datetime
    place: str = Field(..., max_length=200)
    description: str = Field(..., max_length=10000)
    patient_harm: str = Field(..., description="yes, no, unknown")
    block_device: bool = False


class SafetyAssessmentIn(_In):
    report_manufacturer: bool
    report_authority: bool
    assessment: str = ""
    manufacturer_reference: str = Field("", max_length=80)
    manufacturer_reported_on: dt.date | None = None
    authority_reference: str = Field("", max_length=80)
    authority_reported_on: dt.date | None = None


class SafetyIncidentOut(Schema):
    id: int
    device_id: Id
    asset_number: str = Field(..., alias="device.asset_number")
    model_id: int = Field(..., alias="device.model_id")
    customer_id: int
    kind: str
    occurred_at: dt.datetime
    place: str
    description: str
    patient_harm: str
    device_blocked: bool
    status: str
    report_manufacturer: bool | None
    manufacturer_reference: str
    manufacturer_reported_on: dt.date | None
    report_authority: bool | None
    authority_reference: str
    authority_reported_on: dt.date | None
    assessment: str
    assessed_at: dt.datetime | None


class SafetyModelCountOut(Schema):
    model_id: int = Field(..., alias="device__model_id")
    model: str = Field(..., alias="device__model__name")
    manufacturer: str = Field(..., alias="device__model__manufacturer__name")
    incidents: int
    harmed: int
    reported: int
    devices: int
    last: dt.datetime | None


class SafetyNoticeQuery(Schema):
    status: str = ""
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=200)


class SafetyAffectedQuery(Schema):
    customer_id: Id | None = None
    decision: str = ""
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=200)


class SafetyIncidentQuery(Schema):
    status: str = ""
    model_id: Id | None = None
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=200)


NoticePage = page_schema(SafetyNoticeOut, "SafetyNoticePage")
AffectedPage = page_schema(SafetyAffectedOut, "SafetyAffectedDevicePage")
IncidentPage = page_schema(SafetyIncidentOut, "SafetyIncidentPage")
