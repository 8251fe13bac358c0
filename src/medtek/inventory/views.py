"""The register's pages: thin views over the forms, services and selectors."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from medtek.core.downloads import download
from medtek.core.forms import handle_form
from medtek.core.models import Event
from medtek.core.pagination import keyset_page
from medtek.core.ui import device_links
from medtek.inventory import selectors, services
from medtek.inventory.filters import DeviceFilter
from medtek.inventory.forms import (
    BULK_ACTIONS,
    BulkForm,
    DeviceFilterForm,
    DeviceForm,
    FindForm,
    ImportForm,
    MoveForm,
    OwnerForm,
    SavedFilterForm,
    StatusForm,
    add_service_errors,
    field_label,
)
from medtek.inventory.history import describe_events
from medtek.inventory.models import Device
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for

HISTORY_PAGE_SIZE = 25


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
        page = selectors.device_list_rows(user=request.user, filters=filters, cursor=cursor)
    except ValidationError as exc:
        add_service_errors(form, exc)
        cursor = None
        page = selectors.device_list_rows(user=request.user, filters=filters)
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
            "sort_links": _sort_links(query, filters.sort),
            "query_string": urlencode(query),
            "saved_filters": selectors.saved_filters(user=request.user),
            "save_form": SavedFilterForm(initial={"query": urlencode(query)}),
            "bulk_links": _bulk_links(request.user, query),
        },
    )


# Column headings that sort the list: the first click ascending, the next descending.
SORTABLE_COLUMNS = {"asset_number": "asset_number", "serial_number": "serial_number", "status": "status"}


def _sort_links(query: dict[str, str], current: str) -> dict[str, dict[str, str]]:
    out = {}
    for column, key in SORTABLE_COLUMNS.items():
        target = f"-{key}" if current == key else key
        params = {k: v for k, v in query.items() if k != "sort"}
        if target != "asset_number":
            params["sort"] = target
        direction = "ascending" if current == key else "descending" if current == f"-{key}" else ""
        out[column] = {"url": f"?{urlencode(params)}", "direction": direction}
    return out


def _bulk_links(user: Any, query: dict[str, str]) -> list[tuple[str, str]]:
    from medtek.inventory.bulk import require_bulk

    try:
        require_bulk(user)
    except PermissionDenied:
        return []
    base = reverse("inventory:device_bulk")
    return [
        (str(label), f"{base}?{urlencode({**query, 'action': action})}")
        for action, label in BULK_ACTIONS.items()
    ]


@login_required
@require_http_methods(["GET", "POST"])
def device_bulk(request: HttpRequest) -> HttpResponse:
    """A bulk action on the list's filtered devices (MT admin): a confirmation that says how many, then
    the action through the bulk services (an event per device)."""
    from medtek.inventory import bulk

    bulk.require_bulk(request.user)
    source = request.POST if request.method == "POST" else request.GET
    action = source.get("action", "")
    if action not in BULK_ACTIONS:
        return redirect("inventory:device_list")
    try:
        filters = DeviceFilter.from_params(source)
    except ValidationError:
        return redirect("inventory:device_list")
    query = filters.as_query()
    form = BulkForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        action=action,
        owner_id=filters.owner,
        prefix="new",  # the filter's own fields (status, location) travel beside them
    )

    def page(form: BulkForm) -> HttpResponse:
        count = bulk.selection_count(user=request.user, filters=filters)
        export = reverse("inventory:device_export")
        return render(
            request,
            "inventory/device_bulk.html",
            {
                "form": form,
                "action": action,
                "action_label": BULK_ACTIONS[action],
                "count": count,
                "too_many": count > bulk.MAX_DEVICES,
                "max_devices": bulk.MAX_DEVICES,
                "hidden": {**query, "action": action},
                "list_url": f"{reverse('inventory:device_list')}?{urlencode(query)}",
                "export_csv": f"{export}?{urlencode({**query, 'fmt': 'csv'})}",
                "export_xlsx": f"{export}?{urlencode({**query, 'fmt': 'xlsx'})}",
                "needs_owner": action == "move" and filters.owner is None,
            },
        )

    if request.method != "POST":
        return page(form)

    def change(data: dict[str, Any]) -> str:
        if action == "move":
            n = bulk.devices_move(user=request.user, filters=filters, location=data["location"])
            return ngettext("%(n)s device moved.", "%(n)s devices moved.", n) % {"n": n}
        if action == "status":
            n = bulk.devices_change_status(
                user=request.user, filters=filters, status=data["status"], reason=data["reason"]
            )
            return ngettext("%(n)s device changed status.", "%(n)s devices changed status.", n) % {"n": n}
        if action == "fu_interval":
            n = bulk.devices_set_pm_interval(user=request.user, filters=filters, months=data["months"])
            return ngettext("FU interval set on %(n)s device.", "FU interval set on %(n)s devices.", n) % {
                "n": n
            }
        return ""  # the export's page has links, no form

    def changed(message: str) -> HttpResponse:
        if message:
            messages.success(request, message)
        return redirect(f"{reverse('inventory:device_list')}?{urlencode(query)}")

    return handle_form(request, form, change, done=changed, again=page)


@login_required
@require_POST
def saved_filter_save(request: HttpRequest) -> HttpResponse:
    """Save the list's current filter under a name (the user's own)."""
    from urllib.parse import parse_qsl

    form = SavedFilterForm(request.POST)
    query = request.POST.get("query", "")
    if form.is_valid():
        try:
            services.saved_filter_save(
                user=request.user, name=form.cleaned_data["name"], query=dict(parse_qsl(query))
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Filter saved."))
    else:
        messages.error(request, _("Give the filter a name."))
    return redirect(
        f"{reverse('inventory:device_list')}?{query}" if query else reverse("inventory:device_list")
    )


@login_required
@require_http_methods(["GET", "POST"])
def saved_filter_delete(request: HttpRequest, filter_id: int) -> HttpResponse:
    """Remove one of the user's saved filters (GET opens it); another user's is not found."""
    if request.method == "GET":
        saved = next((f for f in selectors.saved_filters(user=request.user) if f.pk == filter_id), None)
        if saved is None:
            raise Http404("No saved filter matches the given query.")
        return redirect(f"{reverse('inventory:device_list')}?{saved.query}")
    services.saved_filter_delete(user=request.user, saved_filter=filter_id)
    messages.success(request, _("Filter removed."))
    return redirect("inventory:device_list")


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
    if request.method != "POST":
        return render(request, "inventory/device_form.html", {"form": form, "device": None})

    def create(_data: dict[str, Any]) -> Device:
        data = form.service_kwargs()
        return services.device_create(
            user=request.user,
            asset_number=data.pop("asset_number"),
            model=data.pop("model"),
            owner=data.pop("owner"),
            location=data.pop("location"),
            **data,
        )

    return handle_form(
        request,
        form,
        create,
        done=lambda device: _device_saved(request, _("Device %(asset)s registered."), device),
        again=lambda sent: render(request, "inventory/device_form.html", {"form": sent, "device": None}),
        label=field_label,
    )


@login_required
@require_http_methods(["GET", "POST"])
def device_edit(request: HttpRequest, device_id: int) -> HttpResponse:
    device = _device_for_action(request, device_id)
    form = DeviceForm(request.POST or None, user=request.user, device=device)
    if request.method != "POST":
        return render(request, "inventory/device_form.html", {"form": form, "device": device})
    return handle_form(
        request,
        form,
        lambda _data: services.device_update(user=request.user, device=device, **form.service_kwargs()),
        done=lambda _saved: _device_saved(request, _("Device %(asset)s saved."), device),
        again=lambda sent: render(request, "inventory/device_form.html", {"form": sent, "device": device}),
        label=field_label,
    )


def _device_saved(request: HttpRequest, message: str, device: Device) -> HttpResponse:
    """The device page with the message (which may name the device's `%(asset)s`)."""
    messages.success(request, message % {"asset": device.asset_number})
    return redirect("inventory:device_detail", device_id=device.pk)


@login_required
@require_http_methods(["GET", "POST"])
def device_status(request: HttpRequest, device_id: int) -> HttpResponse:
    device = _device_for_action(request, device_id)
    if request.method == "GET":
        return redirect(reverse("inventory:device_detail", kwargs={"device_id": device.pk}) + "#status")
    return handle_form(
        request,
        StatusForm(request.POST, device=device),
        lambda data: services.device_change_status(
            user=request.user,
            device=device,
            status=data["status"],
            reason=data["reason"],
            effective_date=data["effective_date"],
        ),
        done=lambda _event: _device_saved(request, _("Status changed."), device),
        again=lambda sent: _render_detail(request, device, status_form=sent),
        label=field_label,
    )


@login_required
@require_http_methods(["GET", "POST"])
def device_move(request: HttpRequest, device_id: int) -> HttpResponse:
    device = _device_for_action(request, device_id)
    if request.method == "GET":
        return redirect(reverse("inventory:device_detail", kwargs={"device_id": device.pk}) + "#move")
    return handle_form(
        request,
        MoveForm(request.POST, user=request.user, device=device),
        lambda data: services.device_move(
            user=request.user, device=device, location=data["location"], effective_date=data["effective_date"]
        ),
        done=lambda _event: _device_saved(request, _("Placement changed."), device),
        again=lambda sent: _render_detail(request, device, move_form=sent),
        label=field_label,
    )


@login_required
@require_http_methods(["GET", "POST"])
def device_owner(request: HttpRequest, device_id: int) -> HttpResponse:
    device = _device_for_action(request, device_id)
    if request.method == "GET":
        return redirect(reverse("inventory:device_detail", kwargs={"device_id": device.pk}) + "#owner")
    return handle_form(
        request,
        OwnerForm(request.POST, user=request.user, device=device),
        lambda data: services.device_change_owner(
            user=request.user,
            device=device,
            owner=data["owner"],
            location=data["location"],
            effective_date=data["effective_date"],
        ),
        done=lambda _event: _device_saved(request, _("Owner changed."), device),
        again=lambda sent: _render_detail(request, device, owner_form=sent),
        label=field_label,
    )


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
    """The import page: the file is checked and written by the worker, on the job's page."""
    scope_for(request.user).require(Cap.REGISTER_IMPORT)
    from medtek.inventory.importer import COLUMNS, REQUIRED, column_label
    from medtek.inventory.jobs import device_import_start

    def page(form: ImportForm) -> HttpResponse:
        columns = [(name, column_label(name), name in REQUIRED) for name in COLUMNS]
        return render(request, "inventory/device_import.html", {"form": form, "columns": columns})

    if request.method != "POST":
        return page(ImportForm())
    return handle_form(
        request,
        ImportForm(request.POST, request.FILES),
        lambda data: device_import_start(user=request.user, upload=data["file"], dry_run=data["dry_run"]),
        done=lambda job: redirect("jobs:job_detail", job_id=job.pk),
        again=page,
    )


@login_required
@require_GET
def device_import_template(request: HttpRequest) -> HttpResponse:
    """The XLSX a department fills in: the pages' labels as headers, an example row, the allowed values."""
    scope_for(request.user).require(Cap.REGISTER_IMPORT)
    from medtek.inventory.importer import import_template

    example = selectors.example_model_name()
    body = import_template(example_model=example) if example else import_template()
    return download(body, "importmall-inventarier.xlsx")


@login_required
@require_GET
def location_options(request: HttpRequest) -> HttpResponse:
    """The placement options of the device form for the owner chosen (fetched when the owner changes)."""
    form = DeviceForm({"owner": request.GET.get("owner", "")}, user=request.user)
    return render(request, "inventory/_options.html", {"field": form["location"]})


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
