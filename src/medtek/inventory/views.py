"""The register's pages: thin views over the forms, services and selectors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from medtek.core.models import Event
from medtek.core.money import format_kr
from medtek.core.pagination import keyset_page
from medtek.core.ui import device_links
from medtek.inventory import selectors, services
from medtek.inventory.choices import DeviceStatus, EventKind, MaintenanceResponsibility
from medtek.inventory.filters import DeviceFilter
from medtek.inventory.forms import (
    DeviceFilterForm,
    DeviceForm,
    FindForm,
    ImportForm,
    MoveForm,
    OwnerForm,
    StatusForm,
    add_service_errors,
    field_label,
)
from medtek.inventory.models import Device, DeviceModel
from medtek.organizations.models import Location, Organisation
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for

HISTORY_PAGE_SIZE = 25
IMPORT_ERRORS_SHOWN = 500


def _device_for_action(request: HttpRequest, device_id: int, capability: str = Cap.REGISTER_EDIT) -> Device:
    """The device if the user sees it (else 404) and may act on it (else 403)."""
    device = selectors.device_get(user=request.user, pk=device_id)
    scope_for(request.user).require(capability, device.owner_id)
    return device


@login_required
@require_GET
def device_list(request: HttpRequest) -> HttpResponse:
    form = DeviceFilterForm(request.GET or None, user=request.user)
    try:
        filters = DeviceFilter.from_params(request.GET)
    except ValidationError as exc:
        add_service_errors(form, exc)
        filters = DeviceFilter()
    cursor = request.GET.get("cursor") or None
    try:
        page = selectors.device_list(user=request.user, filters=filters, cursor=cursor)
    except ValidationError as exc:
        add_service_errors(form, exc)
        cursor = None
        page = selectors.device_list(user=request.user, filters=filters)
    query = filters.as_query()
    scope = scope_for(request.user)
    return render(
        request,
        "inventory/device_list.html",
        {
            "form": form,
            "page": page,
            "devices": page.items,
            "is_first_page": cursor is None,
            "first_url": f"?{urlencode(query)}" if query else "?",
            "next_url": f"?{urlencode({**query, 'cursor': page.next_cursor})}" if page.next_cursor else "",
            "export_csv": f"{reverse('inventory:device_export')}?{urlencode({**query, 'fmt': 'csv'})}",
            "export_xlsx": f"{reverse('inventory:device_export')}?{urlencode({**query, 'fmt': 'xlsx'})}",
            "query": query,
            "can_edit": scope.can(Cap.REGISTER_EDIT),
            "can_import": scope.can(Cap.REGISTER_IMPORT),
            "find_form": FindForm(),
        },
    )


@login_required
@require_GET
def device_export(request: HttpRequest) -> HttpResponseBase:
    from medtek.inventory.exporter import export_devices

    try:
        filters = DeviceFilter.from_params(request.GET)
    except ValidationError as exc:
        return HttpResponse("; ".join(exc.messages), status=400, content_type="text/plain; charset=utf-8")
    fmt = request.GET.get("fmt", "csv")
    if fmt not in {"csv", "xlsx"}:
        return HttpResponse(_("Export as csv or xlsx."), status=400, content_type="text/plain; charset=utf-8")
    try:
        return export_devices(user=request.user, filters=filters, fmt=fmt)
    except ValidationError as exc:
        return HttpResponse("; ".join(exc.messages), status=400, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def device_detail(request: HttpRequest, device_id: int) -> HttpResponse:
    device = selectors.device_get(user=request.user, pk=device_id)
    return _render_detail(request, device)


def _render_detail(
    request: HttpRequest,
    device: Device,
    *,
    status_form: StatusForm | None = None,
    move_form: MoveForm | None = None,
    owner_form: OwnerForm | None = None,
) -> HttpResponse:
    can_edit = scope_for(request.user).can(Cap.REGISTER_EDIT, device.owner_id)
    cursor = request.GET.get("history") or None
    events_qs = Event.objects.filter(device_id=device.pk).select_related("actor")
    try:
        history = keyset_page(events_qs, order=["-occurred_at"], cursor=cursor, limit=HISTORY_PAGE_SIZE)
    except ValidationError:
        cursor = None
        history = keyset_page(events_qs, order=["-occurred_at"], limit=HISTORY_PAGE_SIZE)
    context: dict[str, Any] = {
        "device": device,
        "history": describe_events(history.items),
        "history_count": history.count,
        "history_next": f"?{urlencode({'history': history.next_cursor})}#history"
        if history.next_cursor
        else "",
        "history_is_first": cursor is None,
        "can_edit": can_edit,
        "device_links": device_links(
            scope_for(request.user),
            device_id=device.pk,
            owner_id=device.owner_id,
        ),
    }
    if can_edit:
        context["status_form"] = status_form or StatusForm(device=device)
        context["move_form"] = move_form or MoveForm(user=request.user, device=device)
        context["owner_form"] = owner_form or OwnerForm(user=request.user, device=device)
    return render(request, "inventory/device_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def device_create(request: HttpRequest) -> HttpResponse:
    scope_for(request.user).require(Cap.REGISTER_EDIT)
    # A scanned code that found no device arrives here to be registered (the scan box's "Register it").
    initial = {name: request.GET[name][:200] for name in ("asset_number", "barcode") if request.GET.get(name)}
    form = DeviceForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        try:
            device = services.device_create(
                user=request.user,
                asset_number=data.pop("asset_number"),
                model=data.pop("model"),
                owner=data.pop("owner"),
                location=data.pop("location"),
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Device %(asset)s registered.") % {"asset": device.asset_number})
            return redirect("inventory:device_detail", device_id=device.pk)
    return render(request, "inventory/device_form.html", {"form": form, "device": None})


@login_required
@require_http_methods(["GET", "POST"])
def device_edit(request: HttpRequest, device_id: int) -> HttpResponse:
    device = _device_for_action(request, device_id)
    form = DeviceForm(request.POST or None, user=request.user, device=device)
    if request.method == "POST" and form.is_valid():
        try:
            services.device_update(user=request.user, device=device, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Device %(asset)s saved.") % {"asset": device.asset_number})
            return redirect("inventory:device_detail", device_id=device.pk)
    return render(request, "inventory/device_form.html", {"form": form, "device": device})


@login_required
@require_http_methods(["GET", "POST"])
def device_status(request: HttpRequest, device_id: int) -> HttpResponse:
    device = _device_for_action(request, device_id)
    if request.method == "GET":
        return redirect(reverse("inventory:device_detail", kwargs={"device_id": device.pk}) + "#status")
    form = StatusForm(request.POST, device=device)
    if form.is_valid():
        try:
            services.device_change_status(
                user=request.user,
                device=device,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                effective_date=form.cleaned_data["effective_date"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Status changed."))
            return redirect("inventory:device_detail", device_id=device.pk)
    return _render_detail(request, device, status_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def device_move(request: HttpRequest, device_id: int) -> HttpResponse:
    device = _device_for_action(request, device_id)
    if request.method == "GET":
        return redirect(reverse("inventory:device_detail", kwargs={"device_id": device.pk}) + "#move")
    form = MoveForm(request.POST, user=request.user, device=device)
    if form.is_valid():
        try:
            services.device_move(
                user=request.user,
                device=device,
                location=form.cleaned_data["location"],
                effective_date=form.cleaned_data["effective_date"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Placement changed."))
            return redirect("inventory:device_detail", device_id=device.pk)
    return _render_detail(request, device, move_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def device_owner(request: HttpRequest, device_id: int) -> HttpResponse:
    device = _device_for_action(request, device_id)
    if request.method == "GET":
        return redirect(reverse("inventory:device_detail", kwargs={"device_id": device.pk}) + "#owner")
    form = OwnerForm(request.POST, user=request.user, device=device)
    if form.is_valid():
        try:
            services.device_change_owner(
                user=request.user,
                device=device,
                owner=form.cleaned_data["owner"],
                location=form.cleaned_data["location"],
                effective_date=form.cleaned_data["effective_date"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Owner changed."))
            return redirect("inventory:device_detail", device_id=device.pk)
    return _render_detail(request, device, owner_form=form)


@login_required
@require_GET
def device_owner_locations(request: HttpRequest, device_id: int) -> HttpResponse:
    """The options of the owner form's placement for the owner chosen (fetched when it changes)."""
    device = _device_for_action(request, device_id)
    form = OwnerForm({"owner": request.GET.get("owner", "")}, user=request.user, device=device)
    return render(request, "inventory/_options.html", {"field": form["location"]})


@login_required
@require_http_methods(["GET", "POST"])
def device_import(request: HttpRequest) -> HttpResponse:
    scope_for(request.user).require(Cap.REGISTER_IMPORT)
    from medtek.inventory.importer import COLUMNS, REQUIRED, import_devices

    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {
        "form": form,
        "report": None,
        "columns": [(name, name in REQUIRED) for name in COLUMNS],
    }
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        dry_run = form.cleaned_data["dry_run"]
        try:
            report = import_devices(user=request.user, data=upload, filename=upload.name, dry_run=dry_run)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            errors = report.errors[:IMPORT_ERRORS_SHOWN]
            context.update(
                report=report,
                dry_run=dry_run,
                errors_shown=errors,
                errors_hidden=max(0, report.error_count - len(errors)),
                error_summary=_("The file has %(errors)s on %(rows)s. Nothing was saved.")
                % {
                    "errors": ngettext("%(n)s error", "%(n)s errors", report.error_count)
                    % {"n": report.error_count},
                    "rows": ngettext("%(n)s row", "%(n)s rows", report.error_rows) % {"n": report.error_rows},
                },
            )
    return render(request, "inventory/device_import.html", context)


@login_required
@require_GET
def device_find(request: HttpRequest) -> HttpResponse:
    form = FindForm(request.GET or None)
    not_found = ""
    if form.is_valid():
        code = form.cleaned_data["code"]
        device = selectors.device_find(user=request.user, code=code)
        if device is not None:
            return redirect("inventory:device_detail", device_id=device.pk)
        not_found = code
    register_url = ""
    if not_found and scope_for(request.user).can(Cap.REGISTER_EDIT):
        # A GS1 code (UDI) fills the barcode field; anything else is taken as the asset number.
        field = "barcode" if _is_udi(not_found) else "asset_number"
        register_url = f"{reverse('inventory:device_create')}?{urlencode({field: not_found})}"
    return render(
        request,
        "inventory/device_find.html",
        {"form": form, "not_found": not_found, "register_url": register_url},
        status=404 if not_found else 200,
    )


def _is_udi(code: str) -> bool:
    from medtek.inventory.udi import BarcodeError, parse_udi

    try:
        parse_udi(code)
    except (BarcodeError, ValueError):
        return False
    return True


# The history, in words: who did what when, and what each changed value was before and after.

FIELD_KINDS_FK = {"model": DeviceModel, "external_maintainer": Organisation}


def describe_events(events: list[Event]) -> list[dict[str, Any]]:
    """Each event as {when, who, what, changes: [(label, before, after)], message}; names fetched in bulk."""
    org_ids: set[int] = set()
    location_ids: set[int] = set()
    model_ids: set[int] = set()
    for event in events:
        data = event.data or {}
        before, after = data.get("before"), data.get("after")
        if event.kind == EventKind.MOVED:
            location_ids |= {v for v in (before, after) if isinstance(v, int)}
        elif event.kind == EventKind.OWNER_CHANGED:
            for side in (before, after):
                if isinstance(side, dict):
                    org_ids |= {v for v in (side.get("owner"),) if isinstance(v, int)}
                    location_ids |= {v for v in (side.get("location"),) if isinstance(v, int)}
        elif event.kind == EventKind.CREATED:
            if isinstance(data.get("owner"), int):
                org_ids.add(data["owner"])
            if isinstance(data.get("model"), int):
                model_ids.add(data["model"])
        elif event.kind == EventKind.UPDATED and isinstance(before, dict) and isinstance(after, dict):
            for side in (before, after):
                if isinstance(side.get("model"), int):
                    model_ids.add(side["model"])
                if isinstance(side.get("external_maintainer"), int):
                    org_ids.add(side["external_maintainer"])
    # Names of what the device's own history refers to (its past owners and placements).
    orgs = dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name")) if org_ids else {}
    locations = (
        dict(Location.objects.filter(pk__in=location_ids).values_list("pk", "name")) if location_ids else {}
    )
    models = {
        m.pk: str(m) for m in DeviceModel.objects.filter(pk__in=model_ids).select_related("manufacturer")
    }
    names = {"org": orgs, "location": locations, "model": models}
    return [_describe(event, names) for event in events]


def _name(table: dict[int, str], value: Any) -> str:
    if value in (None, ""):
        return "—"
    return table.get(value, f"#{value}")


def _status_label(value: Any) -> str:
    try:
        return str(DeviceStatus(value).label)
    except ValueError:
        return str(value or "—")


def _field_value(field: str, value: Any, names: dict[str, dict[int, str]]) -> str:
    if value is None or value == "":
        return "—"
    if field == "model":
        return _name(names["model"], value)
    if field == "external_maintainer":
        return _name(names["org"], value)
    if field == "maintenance_responsibility":
        try:
            return str(MaintenanceResponsibility(value).label)
        except ValueError:
            return str(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field in {"expiry_date", "acquisition_date", "warranty_end"}:
        try:
            return date_format(dt.date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
        except ValueError:
            return str(value)
    if field == "acquisition_value":
        try:
            return format_kr(Decimal(str(value)))
        except ArithmeticError:
            return str(value)
    return str(value)


def _describe(event: Event, names: dict[str, dict[int, str]]) -> dict[str, Any]:
    data = event.data or {}
    before, after = data.get("before"), data.get("after")
    changes: list[tuple[str, str, str]] = []
    kind = event.kind
    if kind == EventKind.CREATED:
        what = _("Registered")
        changes.append((_("Owner"), "", _name(names["org"], data.get("owner"))))
        if data.get("model"):
            changes.append((_("Model"), "", _name(names["model"], data.get("model"))))
    elif kind == EventKind.IMPORTED:
        what = _("Imported")
    elif kind == EventKind.UPDATED:
        what = _("Details changed")
        if isinstance(before, dict) and isinstance(after, dict):
            for field in after:
                changes.append(
                    (
                        field_label(field),
                        _field_value(field, before.get(field), names),
                        _field_value(field, after.get(field), names),
                    )
                )
    elif kind == EventKind.MOVED:
        what = _("Moved")
        changes.append((_("Placement"), _name(names["location"], before), _name(names["location"], after)))
    elif kind == EventKind.OWNER_CHANGED:
        what = _("Owner changed")
        b = before if isinstance(before, dict) else {}
        a = after if isinstance(after, dict) else {}
        changes.append((_("Owner"), _name(names["org"], b.get("owner")), _name(names["org"], a.get("owner"))))
        changes.append(
            (
                _("Placement"),
                _name(names["location"], b.get("location")),
                _name(names["location"], a.get("location")),
            )
        )
    elif kind == EventKind.STATUS_CHANGED:
        what = _("Status changed")
        changes.append((_("Status"), _status_label(before), _status_label(after)))
    else:
        # Work orders, checks and hand-overs from the other parts of the system.
        what = kind
        if event.status:
            changes.append((_("Status"), "", _status_label(event.status)))
    actor = event.actor
    who = (actor.get_full_name() or actor.get_username()) if actor is not None else _("the system")
    return {
        "event": event,
        "when": event.occurred_at,
        "who": who,
        "what": what,
        "changes": changes,
        "message": event.message,
    }
