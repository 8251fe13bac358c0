"""The inventory API's input and output schemas; `inventory/api.py` takes them from here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from medtek.core.api import InputSchema, Money, PageQuery, QueryInput, page_schema
from medtek.core.events import event_label


class DeviceModelOut(Schema):
    id: int
    manufacturer: str = Field(..., alias="manufacturer.name")
    name: str
    category: str
    nomenclature_system: str
    nomenclature_code: str
    risk_class: str
    pm_interval_months: int | None
    function_score: int
    physical_risk_score: int
    maintenance_need_score: int
    mt_competence: bool
    is_sterile: bool
    is_single_use: bool
    is_assistive: bool


class DeviceOut(Schema):
    id: int
    asset_number: str
    serial_number: str
    udi_di: str
    udi_pi: str
    lot: str
    expiry_date: dt.date | None
    model_id: int
    model: str = Field(..., alias="model.name")
    category: str = Field(..., alias="model.category")
    owner_id: int
    owner: str = Field(..., alias="owner.name")
    location_id: int | None
    status: str
    acquisition_date: dt.date | None
    acquisition_value: Decimal | None
    warranty_end: dt.date | None
    maintenance_responsibility: str
    external_maintainer_id: int | None
    external_agreement_ref: str
    stores_patient_data: bool
    has_radiation_source: bool
    is_sterile: bool
    in_register: bool


class DeviceIn(InputSchema):
    asset_number: str
    model_id: int
    owner_id: int
    location_id: int | None = None
    barcode: str = Field("", description="A scanned GS1/UDI string; fills UDI-DI, serial, lot and expiry")
    serial_number: str = ""
    udi_di: str = ""
    lot: str = ""
    expiry_date: dt.date | None = None
    acquisition_date: dt.date | None = None
    acquisition_value: Money | None = Field(None, ge=0)
    warranty_end: dt.date | None = None
    maintenance_responsibility: str = "mt"
    external_maintainer_id: int | None = None
    external_agreement_ref: str = ""
    stores_patient_data: bool = False
    has_radiation_source: bool = False
    is_sterile: bool = False
    notes: str = ""


class DevicePatch(InputSchema):
    barcode: str | None = None
    serial_number: str | None = None
    udi_di: str | None = None
    lot: str | None = None
    expiry_date: dt.date | None = None
    model_id: int | None = None
    acquisition_date: dt.date | None = None
    acquisition_value: Money | None = Field(None, ge=0)
    warranty_end: dt.date | None = None
    maintenance_responsibility: str | None = None
    external_maintainer_id: int | None = None
    external_agreement_ref: str | None = None
    stores_patient_data: bool | None = None
    has_radiation_source: bool | None = None
    is_sterile: bool | None = None
    notes: str | None = None


class DeviceStatusIn(InputSchema):
    status: str
    reason: str = ""
    effective_date: dt.date | None = Field(
        None, description="The day the change happened (today or earlier, not before the device's last event)"
    )


class MoveIn(InputSchema):
    location_id: int | None
    effective_date: dt.date | None = Field(
        None, description="The day the change happened (today or earlier, not before the device's last event)"
    )


class OwnerIn(InputSchema):
    owner_id: int
    location_id: int | None = None
    effective_date: dt.date | None = Field(
        None, description="The day the change happened (today or earlier, not before the device's last event)"
    )


class EventOut(Schema):
    id: int
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    kind: str
    description: str = Field(
        "", description="What the event was, in words, in the language asked for (Accept-Language)."
    )
    actor: str | None = Field(None, alias="actor.username")
    subject_type: str
    subject_id: int
    owner_id: int | None
    location_id: int | None
    status: str
    in_register: bool | None
    data: dict[str, Any]
    message: str

    @staticmethod
    def resolve_description(obj: Any) -> str:
        return event_label(obj.kind)


class DeviceListQuery(PageQuery):
    q: str = Field(
        "",
        description="words, each the start of an asset number (or, from 4 characters, a serial number), a "
        "UDI-DI, or part of a model's, manufacturer's, device type's or placement's name; all must match",
    )
    owner: int | None = None
    status: str = ""
    model: int | None = None
    location: int | None = None
    category: str = Field("", description="device type (the model's category), e.g. Defibrillator")
    fu_due: str = Field("", description="overdue, 30 or 90 (FU due within so many days)")
    in_register: str = ""
    sort: str = "asset_number"
    count: bool = Field(
        False,
        description="true: count the matching devices on this first page (up to 10,000, a search up to "
        "1,000) and carry the count in its cursor; without it the page's count is null",
    )


class CountRow(Schema):
    owner_id: int
    owner: str
    count: int


class CountsOut(Schema):
    as_of: dt.date | None
    total: int
    owners: list[CountRow]


DevicePage = page_schema(DeviceOut, "DevicePage", count_on_request=True)


DeviceModelPage = page_schema(DeviceModelOut, "DeviceModelPage")


EventPage = page_schema(EventOut, "EventPage")


class DeviceModelQuery(PageQuery):
    q: str = ""


class CountsQuery(QueryInput):
    as_of: dt.date | None = None


class ExportQuery(DeviceListQuery):
    format: str = "csv"


class ImportRowError(Schema):
    row: int = Field(
        description="The data row as the user counts it: 1 is the first row under the header, "
        "0 the header or the file as a whole."
    )
    line: int = Field(
        description="The file line the row starts on (XLSX: the sheet's row number); 0 for the whole file."
    )
    column: str
    message: str


class ImportReportOut(Schema):
    ok: bool
    dry_run: bool
    rows: int
    created: int
    error_count: int = Field(
        description="All errors found; `errors` lists the first 1,000 of them, in row order."
    )
    error_rows: int = Field(description="How many rows (the header counts as one) have an error.")
    errors: list[ImportRowError]
