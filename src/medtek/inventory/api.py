"""API: device models, devices (list, detail, create, update, status, move, owner), events, counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Status, UploadedFile

from medtek.core.api import ErrorOut, PageQuery, page_body
from medtek.core.models import Event
from medtek.core.pagination import keyset_page
from medtek.core.renderers import dumps
from medtek.inventory import rules, selectors, services
from medtek.inventory.filters import DeviceFilter
from medtek.inventory.models import DeviceModel
from medtek.inventory.schemas import (
    CountsOut,
    CountsQuery,
    DeviceIn,
    DeviceListQuery,
    DeviceModelOut,
    DeviceModelPage,
    DeviceModelQuery,
    DeviceOut,
    DevicePage,
    DevicePatch,
    DeviceStatusIn,
    EventPage,
    ExportQuery,
    ImportReportOut,
    MoveIn,
    OwnerIn,
)
from medtek.organizations.models import Organisation
from medtek.organizations.rules import Cap

router = Router(tags=["register"])


def _ids(payload: dict[str, Any], *names: str) -> dict[str, Any]:
    """API `<field>_id` keys to service keyword names."""
    out = dict(payload)
    for name in names:
        if f"{name}_id" in out:
            out[name] = out.pop(f"{name}_id")
    return out


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

    Answers the row report; 422 when any row is bad (then nothing is written), with the bad rows'
    data row (the first row under the header is 1), file line, column and reason — the first 1,000
    errors, and the count of all. 413 for a file over the upload limit (MEDTEK_UPLOAD_MAX_MB).
    `dry_run` checks the file and writes nothing.
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
