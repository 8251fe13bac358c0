"""Maintenance pages: my work (phone), the board, PM due, work orders, reporting, protocols, key figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from medtek.core import charts
from medtek.core.errors import messages_by_field
from medtek.core.forms import add_service_errors, handle_form
from medtek.inventory.choices import DeviceStatus
from medtek.inventory.forms import field_label
from medtek.inventory.models import Device
from medtek.inventory.selectors import device_find
from medtek.maintenance import forms, rules, selectors, services
from medtek.maintenance import key_figures as kf
from medtek.maintenance.choices import WaitingReason, WorkOrderKind, WorkOrderStatus
from medtek.maintenance.models import CMPriority, ProtocolRecord
from medtek.organizations.choices import Role
from medtek.organizations.models import Organisation
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for


def _flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    for field, msgs in messages_by_field(exc).items():
        for msg in msgs:
            messages.error(request, msg if field == "__all__" else f"{msg}")


@login_required
@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    """The technician's list on a phone: scan or type a code, or pick from the assigned work."""
    code = (request.GET.get("code") or "").strip()
    not_found = ""
    if code:
        device = device_find(user=request.user, code=code)
        if device is not None:
            return redirect("maintenance:device_work", device_id=device.pk)
        not_found = code
    return render(
        request,
        "maintenance/my_work.html",
        {"rows": selectors.my_work(user=request.user), "not_found": not_found, "code": code},
        status=404 if not_found else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def device_work(request: HttpRequest, device_id: int) -> HttpResponse:
    """One device's open work with start buttons, its PM state and last protocols, and a report link;
    an MT admin may release a device a failed check blocked here (POST: the override with its reason)."""
    device = Device.objects.select_related("model", "owner", "location").get_visible(
        request.user, Cap.VIEW, pk=device_id
    )
    scope = scope_for(request.user)
    can_override = scope.can(Cap.WORK_MANAGE, device.owner_id)

    def page(override_form: forms.OverrideForm) -> HttpResponse:
        failed = services.failed_checks(device.pk)
        return render(
            request,
            "maintenance/device_work.html",
            {
                "device": device,
                "rows": selectors.device_work(user=request.user, device=device),
                "pm_state": selectors.pm_state_of(user=request.user, device=device),
                "protocols": selectors.device_protocols(user=request.user, device=device, limit=5),
                "can_work": scope.can(Cap.WORK_DO, device.owner_id),
                "can_report": scope.can(Cap.WORK_REPORT, device.owner_id),
                "failed_checks": failed,
                "override_form": override_form if can_override and failed else None,
            },
        )

    if request.method != "POST":
        return page(forms.OverrideForm())
    scope.require(Cap.WORK_MANAGE, device.owner_id)

    def released(_device: Any) -> HttpResponse:
        messages.success(request, _("The device is back in use; the override is in its history."))
        return redirect("maintenance:device_work", device_id=device.pk)

    return handle_form(
        request,
        forms.OverrideForm(request.POST),
        lambda data: services.device_block_override(user=request.user, device=device, reason=data["reason"]),
        done=released,
        again=page,
        label=field_label,
    )


@login_required
@require_GET
def work_order_list(request: HttpRequest) -> HttpResponse:
    """Work orders the user may see; a customer sees its own open and done work here."""
    try:
        filters = selectors.WorkOrderFilter.from_params(request.GET)
        page = selectors.work_order_list(
            user=request.user, filters=filters, cursor=request.GET.get("cursor") or None
        )
    except ValidationError as exc:
        _flash_errors(request, exc)
        filters = selectors.WorkOrderFilter()
        page = selectors.work_order_list(user=request.user, filters=filters)
    query = filters.as_query()
    due_sort = "-due" if filters.sort == "due" else "due"
    return render(
        request,
        "maintenance/work_order_list.html",
        {
            "page": page,
            "filters": filters,
            "query": urlencode(query),
            "due_sort_url": "?" + urlencode({**query, "sort": due_sort}),
            "due_sort_direction": {"due": "ascending", "-due": "descending"}.get(filters.sort, ""),
            "kinds": WorkOrderKind.choices,
            "statuses": WorkOrderStatus.choices,
            "can_report": scope_for(request.user).can(Cap.WORK_REPORT),
            **selectors.work_order_filter_choices(user=request.user),
        },
    )


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """MT's board: open work by priority with SLA states."""
    scope_for(request.user).require(Cap.WORK_DO)
    return render(request, "maintenance/board.html", {"columns": selectors.board(user=request.user)})


def _pm_due_page(request: HttpRequest, plan_form: forms.PlanForm | None = None) -> HttpResponse:
    return render(
        request,
        "maintenance/pm_due.html",
        {
            "rows": selectors.pm_due_by_customer(user=request.user),
            "watch_items": selectors.watch_items(user=request.user, limit=100),
            "can_plan": scope_for(request.user).can(Cap.WORK_MANAGE),
            "today": timezone.localdate(),
            "plan_form": plan_form or forms.PlanForm(),
        },
    )


@login_required
@require_GET
def pm_due(request: HttpRequest) -> HttpResponse:
    """PM due and overdue per customer, the planner button, and watch items for external maintenance."""
    scope_for(request.user).require(Cap.WORK_DO)
    return _pm_due_page(request)


@login_required
@require_POST
def plan(request: HttpRequest) -> HttpResponse:
    scope_for(request.user).require(Cap.WORK_MANAGE)
    from medtek.maintenance.jobs import plan_start

    return handle_form(
        request,
        forms.PlanForm(request.POST),
        lambda data: plan_start(user=request.user, horizon_days=data["horizon_days"]),
        done=lambda job: redirect("jobs:job_detail", job_id=job.pk),
        again=lambda form: _pm_due_page(request, form),
        label=field_label,
    )


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """A customer reports a fault or asks for advice, on its own device or for its organisation."""
    scope_for(request.user).require(Cap.WORK_REPORT)
    customers = list(Organisation.objects.visible_to(request.user, Cap.WORK_REPORT).order_by("name"))
    if request.method == "POST":
        form = forms.ReportForm(request.POST, customers=customers)
    else:
        initial = {"kind": request.GET.get("kind") or WorkOrderKind.CM, "device": request.GET.get("device")}
        form = forms.ReportForm(initial=initial, customers=customers)
    raw_device = str(form["device"].value() or "")
    device = None
    if raw_device:
        device = (
            Device.objects.visible_to(request.user, Cap.WORK_REPORT)
            .select_related("model", "owner")
            .filter(pk=int(raw_device) if raw_device.isdigit() else 0)
            .first()
        )
        if device is None and request.method == "GET":
            messages.error(request, _("Unknown device, or one you may not report on."))

    def page(form: forms.ReportForm) -> HttpResponse:
        return render(request, "maintenance/report.html", {"device": device, "form": form})

    if request.method != "POST":
        return page(form)

    def reported(wo: Any) -> HttpResponse:
        messages.success(request, _("Reported as %(number)s.") % {"number": wo.number})
        return redirect("maintenance:work_order_detail", work_order_id=wo.pk)

    return handle_form(
        request,
        form,
        lambda data: services.work_order_report(
            user=request.user,
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            device=data["device"],
            customer=None if data["device"] is not None else data["customer"],
        ),
        done=reported,
        again=page,
        label=field_label,
    )


def _detail_page(request: HttpRequest, work_order_id: int, **bound: Any) -> HttpResponse:
    """The work-order page; `bound` carries a form that was sent and refused, shown with its errors."""
    data = selectors.work_order_detail(user=request.user, pk=work_order_id)
    wo = data["work_order"]
    scope = scope_for(request.user)
    can_manage = scope.can(Cap.WORK_MANAGE, wo.customer_id)
    technicians = (
        list(
            get_user_model()
            .objects.filter(
                memberships__organisation_id__in=sorted(scope.home_org_ids),
                memberships__role__in=[Role.MT_TECHNICIAN, Role.MT_ADMIN],
                is_active=True,
            )
            .distinct()
            .order_by("username")
        )
        if can_manage
        else []
    )
    protocol_form = bound.pop("protocol_form", None)
    for rec in data["records"]:
        form = (
            protocol_form
            if protocol_form is not None and protocol_form.record_id == rec.pk
            else forms.ProtocolForm(record=rec)
        )
        rec.rows = [  # type: ignore[attr-defined]
            (item, line, form[rules.item_field(item.pk)])
            for item, line in rec.rows  # type: ignore[attr-defined]
        ]
        rec.form = form  # type: ignore[attr-defined]
    return render(
        request,
        "maintenance/work_order_detail.html",
        {
            **data,
            "can_work": scope.can(Cap.WORK_DO, wo.customer_id),
            "can_manage": can_manage,
            "priorities": CMPriority.objects.all(),
            "technicians": technicians,
            "today": timezone.localdate(),
            "open": wo.status in selectors.OPEN,
            "failed_check": any(rec.result == "failed" for rec in data["records"]),
            "follow_ups": list(wo.follow_ups.order_by("id")),
            "time_form": bound.get("time_form") or forms.TimeEntryForm(),
            "travel_form": bound.get("travel_form") or forms.TravelEntryForm(),
            "material_form": bound.get("material_form") or forms.MaterialLineForm(),
            "status_form": bound.get("status_form") or forms.StatusForm(),
            "waiting_reasons": WaitingReason.choices,
            "triage_form": bound.get("triage_form"),
        },
    )


@login_required
@require_GET
def work_order_detail(request: HttpRequest, work_order_id: int) -> HttpResponse:
    return _detail_page(request, work_order_id)


ACTIONS = {
    "accept": WorkOrderStatus.ACCEPTED,
    "start": WorkOrderStatus.IN_PROGRESS,
    "wait": WorkOrderStatus.WAITING,
    "resume": WorkOrderStatus.IN_PROGRESS,
    "complete": WorkOrderStatus.DONE,
    "close": WorkOrderStatus.CLOSED,
    "cancel": WorkOrderStatus.CANCELLED,
}


@login_required
@require_http_methods(["GET", "POST"])
def work_order_action(request: HttpRequest, work_order_id: int) -> HttpResponse:
    """Triage, assign, or move the work order along its states (GET: back to the work order)."""
    wo = selectors.work_order_get(user=request.user, pk=work_order_id)
    if request.method == "GET":
        return redirect("maintenance:work_order_detail", work_order_id=wo.pk)
    scope_for(request.user).require(Cap.WORK_DO, wo.customer_id)
    if request.POST.get("action") == "triage":
        scope_for(request.user).require(Cap.WORK_MANAGE, wo.customer_id)
        return handle_form(
            request,
            forms.TriageForm(request.POST),
            lambda data: services.work_order_triage(
                user=request.user,
                work_order=wo,
                priority=data["priority"],
                assigned_to=data["assigned_to"],
            ),
            done=lambda _wo: redirect("maintenance:work_order_detail", work_order_id=wo.pk),
            again=lambda form: _detail_page(request, wo.pk, triage_form=form),
            label=field_label,
        )

    def move(data: dict[str, Any]) -> Any:
        action = data["action"]
        if action == "start":
            return services.work_order_start(user=request.user, work_order=wo)
        if action == "close":
            return services.work_order_close(user=request.user, work_order=wo)
        return services.work_order_set_status(
            user=request.user,
            work_order=wo,
            status=ACTIONS[action],
            waiting_reason=data["waiting_reason"],
            resolution=data["resolution"],
        )

    return handle_form(
        request,
        forms.StatusForm(request.POST),
        move,
        done=lambda _wo: redirect("maintenance:work_order_detail", work_order_id=wo.pk),
        again=lambda form: _detail_page(request, wo.pk, status_form=form),
        label=field_label,
    )


@login_required
@require_http_methods(["GET", "POST"])
def work_order_entry(request: HttpRequest, work_order_id: int, entry: str) -> HttpResponse:
    """Add a time entry, a visit or a material line (GET: back to the work order)."""
    wo = selectors.work_order_get(user=request.user, pk=work_order_id)
    if request.method == "GET":
        return redirect("maintenance:work_order_detail", work_order_id=wo.pk)
    scope_for(request.user).require(Cap.WORK_DO, wo.customer_id)
    services_by_entry: dict[str, Callable[..., Any]] = {
        "time": services.time_entry_add,  # type: ignore[dict-item]
        "travel": services.travel_entry_add,  # type: ignore[dict-item]
        "material": services.material_line_add,  # type: ignore[dict-item]
    }
    add = services_by_entry[entry]

    def saved(_entry: Any) -> HttpResponse:
        messages.success(request, _("Saved."))
        return redirect("maintenance:work_order_detail", work_order_id=wo.pk)

    return handle_form(
        request,
        forms.ENTRY_FORMS[entry](request.POST),
        lambda data: add(user=request.user, work_order=wo, **data),
        done=saved,
        again=lambda form: _detail_page(request, wo.pk, **{f"{entry}_form": form}),
        label=field_label,
    )


@login_required
@require_http_methods(["GET", "POST"])
def protocol_results(request: HttpRequest, protocol_record_id: int) -> HttpResponse:
    """The technician's protocol form: a check is ticked yes/no, a measured value comes with its unit."""
    record = ProtocolRecord.objects.select_related("template").get_visible(
        request.user, Cap.VIEW, pk=protocol_record_id
    )
    if request.method == "GET":
        return redirect("maintenance:work_order_detail", work_order_id=record.work_order_id)
    form = forms.ProtocolForm(request.POST, record=record)
    form.record_id = record.pk  # type: ignore[attr-defined]
    complete = request.POST.get("complete") == "1"

    def recorded(rec: ProtocolRecord) -> HttpResponse:
        if complete:
            messages.success(
                request, _("Protocol recorded: %(result)s.") % {"result": rec.get_result_display()}
            )
        else:
            messages.success(request, _("Draft saved."))
        return redirect("maintenance:work_order_detail", work_order_id=record.work_order_id)

    return handle_form(
        request,
        form,
        lambda _data: services.protocol_record(
            user=request.user, record=record, results=form.answers(), complete=complete
        ),
        done=recorded,
        again=lambda sent: _detail_page(request, record.work_order_id, protocol_form=sent),
        label=field_label,
        fields={"results": NON_FIELD_ERRORS},  # the whole protocol: already recorded, work not started
    )


@login_required
@require_GET
def key_figures(request: HttpRequest) -> HttpResponse:
    """Key figures of every customer in one table with a total row, and charts (docs/maintenance.md)."""
    today = timezone.localdate()
    form = forms.KeyFiguresForm(request.GET or None)
    start, end = form.period_of(today)
    customer_id = form.cleaned_data.get("customer") if form.is_bound and form.is_valid() else None
    page = None
    if not form.is_bound or form.is_valid():
        try:
            page = kf.overview(user=request.user, start=start, end=end, customer_id=customer_id)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "maintenance/key_figures.html",
        {
            "form": form,
            "page": page,
            "charts": _key_figure_charts(page) if page else None,
            "start": start,
            "end": end,
            "customer_id": customer_id,
            "periods": [(key, label, "?" + urlencode({"period": key})) for key, label in form.PERIODS],
        },
        status=422 if form.errors else 200,
    )


def _key_figure_charts(page: dict[str, Any]) -> dict[str, Any]:
    months = page["months"]
    labels = [date_format(m["month"], "M Y") for m in months]
    top = sorted(page["rows"], key=lambda r: (-r["devices"], r["customer"]))[:15]
    statuses = [s for s in DeviceStatus if any(r["statuses"].get(s.value) for r in top)]
    return {
        "completion": charts.grouped_bars(
            title=_("PM completion and CM within target per month"),
            categories=labels,
            series=[
                _("PM done on time"),
                _("Response time within target"),
                _("Time to resolution within target"),
            ],
            values=[
                [m["pm_completion_rate"] for m in months],
                [m["cm_response_rate"] for m in months],
                [m["cm_resolution_rate"] for m in months],
            ],
            chart_id="chart-completion",
        ),
        "backlog": charts.stacked_bars(
            title=_("Open work by priority"),
            rows=[(b["label"], [b["n"]]) for b in page["backlog"]],
            series=[_("Open work")],
            chart_id="chart-backlog",
        ),
        "devices": charts.stacked_bars(
            title=_("Devices per customer and status"),
            rows=[(r["customer"], [r["statuses"].get(s.value, 0) for s in statuses]) for r in top],
            series=[str(s.label) for s in statuses],
            chart_id="chart-devices",
        ),
    }


@login_required
@require_GET
def priority_models(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "maintenance/priority_models.html",
        {
            **selectors.priority_models(),
            "protocols": selectors.protocol_templates(),
            "can_edit": scope_for(request.user).can(Cap.CONFIG_MANAGE),
        },
    )


PRIORITY_MODEL_PAGES: dict[str, dict[str, Any]] = {
    "pm": {
        "form": forms.PMModelForm,
        "current": "pm_classes",
        "save": lambda user, entries: services.pm_model_save(user=user, classes=entries),
    },
    "cm": {
        "form": forms.CMModelForm,
        "current": "cm_levels",
        "save": lambda user, entries: services.cm_model_save(user=user, levels=entries),
    },
}


@login_required
@require_http_methods(["GET", "POST"])
def priority_model_edit(request: HttpRequest, model: str) -> HttpResponse:
    """An MT admin edits the PM prioritisation model or the CM priority model, through the services the
    API's PUT calls; a refused model comes back as typed, each error at its field (a class's value at
    its row) or at the top of the form."""
    scope_for(request.user).require(Cap.CONFIG_MANAGE)
    spec = PRIORITY_MODEL_PAGES[model]
    rows = spec["form"].rows_of(selectors.priority_models()[spec["current"]])

    def page(form: Any) -> HttpResponse:
        return render(request, "maintenance/priority_model_form.html", {"form": form, "model": model})

    if request.method != "POST":
        return page(spec["form"](rows=rows))

    def saved(_saved: Any) -> HttpResponse:
        messages.success(request, _("The priority model is saved."))
        return redirect("maintenance:priority_models")

    form = spec["form"](request.POST, rows=rows)
    return handle_form(
        request,
        form,
        lambda data: spec["save"](request.user, data["entries"]),
        done=saved,
        again=page,
        fields=form.service_fields(),
    )
