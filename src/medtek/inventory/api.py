"""API: device models, devices (list, detail, create, update, status, move, owner), events, counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from medtek.core.api import ErrorOut, InputSchema, Money, PageQuery, QueryInput, page_body, page_schema
from medtek.core.events import event_label
from medtek.core.models import Event
from medtek.core.pagination import keyset_page
from medtek.core.renderers import dumps
from medtek.inventory import rules, selectors, services
from medtek.inventory.filters import DeviceFilter
from medtek.inventory.models import DeviceModel
from medtek.organizations.models import Organisation
from medtek.organizations.rules import Cap

router = Router(tags=["register"])


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


def _ids(payload: dict[str, Any], *names: str) -> dict[str, Any]:
    """API `<field>_id` keys to service keyword names."""
    out = dict(payload)
    for name in names:
        if f"{name}_id" in out:
            out[name] = out.pop(f"{name}_id")
    return out


class DeviceModelQuery(PageQuery):
    q: str = ""


class CountsQuery(QueryInput):
    as_of: dt.date | None = None


class ExportQuery(DeviceListQuery):
    format: str = "csv"


@router.get("/device-models", response={200: DeviceModelPage, 422: ErrorOut})
def device_model_list(request: HttpRequest, query: Query[DeviceModelQuery]) -> Any:
    qs = DeviceModel.objects.select_related("manufacturer")
    if query.q:
        qs = qs.filter(name__icontains=query.q)
    return page_body(keyset_page(qs, order=["name"], cursor=query.cursor, limit=query.limit))


@router.get("/device-models/{model_id}", response={200: DeviceModelOut, 404: ErrorOut})
def device_model_detail(request: HttpRequest, model_id: int) -> Any:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(DeviceModel.objects.select_related("manufacturer"), pk=model_id)


@router.get("/devices", response={200: DevicePage, 422: ErrorOut})
def device_list(request: HttpRequest, query: Query[DeviceListQuery]) -> Any:
    params = query.dict(exclude={"count"})
    filters = DeviceFilter.from_params({k: "" if v is None else str(v) for k, v in params.items()})
    page = selectors.device_list_values(
        user=request.user, filters=filters, cursor=query.cursor, limit=query.limit, with_count=query.count
    )
    # The hottest endpoint: rows are read as values and written straight to JSON (the DevicePage shape,
    # checked by a test) instead of pydantic validating 50 model objects attribute by attribute.
    body = page_body(page)
    body["items"] = [device_json(d) for d in page.items]
    return HttpResponse(dumps(body), content_type="application/json")


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def device_json(d: dict[str, Any]) -> dict[str, Any]:
    """One device row (from `selectors.device_list_values`) as DeviceOut renders it."""
    value = d["acquisition_value"]
    return {
        "id": d["id"],
        "asset_number": d["asset_number"],
        "serial_number": d["serial_number"],
        "udi_di": d["udi_di"],
        "udi_pi": d["udi_pi"],
        "lot": d["lot"],
        "expiry_date": _iso(d["expiry_date"]),
        "model_id": d["model_id"],
        "model": d["model__name"],
        "category": d["model__category"],
        "owner_id": d["owner_id"],
        "owner": d["owner__name"],
        "location_id": d["location_id"],
        "status": d["status"],
        "acquisition_date": _iso(d["acquisition_date"]),
        "acquisition_value": None if value is None else str(value),
        "warranty_end": _iso(d["warranty_end"]),
        "maintenance_responsibility": d["maintenance_responsibility"],
        "external_maintainer_id": d["external_maintainer_id"],
        "external_agreement_ref": d["external_agreement_ref"],
        "stores_patient_data": d["stores_patient_data"],
        "has_radiation_source": d["has_radiation_source"],
        "is_sterile": d["is_sterile"],
        "in_register": d["status"] not in rules.LEFT_REGISTER,
    }


@router.get("/devices/counts", response={200: CountsOut, 422: ErrorOut})
def device_counts(request: HttpRequest, query: Query[CountsQuery]) -> Any:
    """Devices in the register per owner, now or at the end of `as_of` (from the traceability log)."""
    as_of = query.as_of
    if as_of is None:
        counts = selectors.device_counts_now(user=request.user)
    else:
        counts = selectors.device_counts_as_of(user=request.user, day=as_of)
    names = dict(Organisation.objects.filter(pk__in=counts).values_list("pk", "name"))
    rows = sorted(
        ({"owner_id": pk, "owner": names.get(pk, "?"), "count": n} for pk, n in counts.items()),
        key=lambda r: str(r["owner"]),
    )
    return {"as_of": as_of, "total": sum(counts.values()), "owners": rows}


@router.get("/devices/{device_id}", response={200: DeviceOut, 404: ErrorOut})
def device_detail(request: HttpRequest, device_id: int) -> Any:
    return selectors.device_get(user=request.user, pk=device_id)


@router.post("/devices", response={201: DeviceOut, 403: ErrorOut, 422: ErrorOut})
def device_create(request: HttpRequest, payload: DeviceIn) -> Any:
    data = _ids(payload.dict(), "model", "owner", "location", "external_maintainer")
    device = services.device_create(user=request.user, **data)
    return 201, selectors.device_get(user=request.user, pk=device.pk)


@router.patch("/devices/{device_id}", response={200: DeviceOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def device_update(request: HttpRequest, device_id: int, payload: DevicePatch) -> Any:
    device = selectors.device_get(user=request.user, pk=device_id, capability=Cap.REGISTER_EDIT)
    changes = _ids(payload.dict(exclude_unset=True), "model", "external_maintainer")
    services.device_update(user=request.user, device=device, **changes)
    return selectors.device_get(user=request.user, pk=device_id)


@router.post(
    "/devices/{device_id}/status", response={200: DeviceOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def device_status(request: HttpRequest, device_id: int, payload: DeviceStatusIn) -> Any:
    device = selectors.device_get(user=request.user, pk=device_id, capability=Cap.REGISTER_EDIT)
    services.device_change_status(
        user=request.user,
        device=device,
        status=payload.status,
        reason=payload.reason,
        effective_date=payload.effective_date,
    )
    return selectors.device_get(user=request.user, pk=device_id)


@router.post(
    "/devices/{device_id}/move", response={200: DeviceOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def device_move(request: HttpRequest, device_id: int, payload: MoveIn) -> Any:
    device = selectors.device_get(user=request.user, pk=device_id, capability=Cap.REGISTER_EDIT)
    services.device_move(
        user=request.user, device=device, location=payload.location_id, effective_date=payload.effective_date
    )
    return selectors.device_get(user=request.user, pk=device_id)


@router.post(
    "/devices/{device_id}/owner", response={200: DeviceOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def device_owner(request: HttpRequest, device_id: int, payload: OwnerIn) -> Any:
    device = selectors.device_get(user=request.user, pk=device_id, capability=Cap.REGISTER_EDIT)
    services.device_change_owner(
        user=request.user,
        device=device,
        owner=payload.owner_id,
        location=payload.location_id,
        effective_date=payload.effective_date,
    )
    return selectors.device_get(user=request.user, pk=device_id)


@router.get("/devices/{device_id}/events", response={200: EventPage, 404: ErrorOut, 422: ErrorOut})
def device_events(request: HttpRequest, device_id: int, page: Query[PageQuery]) -> Any:
    device = selectors.device_get(user=request.user, pk=device_id)
    qs = Event.objects.filter(device_id=device.pk).select_related("actor")
    return page_body(keyset_page(qs, order=["-occurred_at"], cursor=page.cursor, limit=page.limit))


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


@router.post(
    "/devices/import",
    response={200: ImportReportOut, 403: ErrorOut, 413: ErrorOut, 422: ImportReportOut | ErrorOut},
)
def device_import(
    request: HttpRequest,
    file: UploadedFile = File(...),  # noqa: B008
    dry_run: bool = Form(False),
) -> Any:
    """Register the devices of a CSV/XLSX file (columns: see medtek.inventory.importer), all or none.

    <<<<<<< HEAD
        Answers the row report; 422 when any row is bad (then nothing is written), with the bad rows'
        data row (the first row under the header is 1), file line, column and reason — the first 1,000
        errors, and the count of all. 413 for a file over the upload limit (MEDTEK_UPLOAD_MAX_MB).
        `dry_run` checks the file and writes nothing.
    =======
        Answers the row report; 422 when any row is bad (then nothing is written), with every bad row's
        row number (header = 1), column and reason — or, when the request itself is bad (no file), the
        usual error body. `dry_run` checks the file and writes nothing.
    >>>>>>> wip/api
    """
    from django.core.exceptions import ValidationError

    from medtek.core.uploads import check_upload_size
    from medtek.inventory.importer import import_devices

    try:
        check_upload_size(file)
    except ValidationError as exc:
        return Status(413, {"detail": exc.messages[0], "errors": {"file": exc.messages}})
    report = import_devices(user=request.user, data=file, filename=file.name or "", dry_run=dry_run)
    return Status(200 if report.ok else 422, report.as_dict())


@router.get("/devices/export", response={200: None, 422: ErrorOut})
def device_export(request: HttpRequest, query: Query[ExportQuery]) -> Any:
    """The devices matching the list's filters as CSV (`;`, UTF-8 with BOM) or XLSX, re-importable."""
    from medtek.inventory.exporter import export_devices

    params = query.dict()
    filters = DeviceFilter.from_params({k: "" if v is None else str(v) for k, v in params.items()})
    return export_devices(user=request.user, filters=filters, fmt=query.format)


# Django resolves URLs in order: the fixed paths above must come before "/devices/{device_id}".
for _path in ("/devices/export", "/devices/import"):
    router.path_operations = {_path: router.path_operations.pop(_path), **router.path_operations}
