"""Maintenance pages: my work (phone), the board, PM due, work orders, reporting, protocols, key figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from medtek.core.api import validation_errors
from medtek.inventory.models import Device
from medtek.inventory.selectors import device_find
from medtek.maintenance import selectors, services
from medtek.maintenance.choices import MaterialKind, WaitingReason, WorkOrderKind, WorkOrderStatus
from medtek.maintenance.models import CMPriority, ProtocolRecord
from medtek.organizations.choices import Role
from medtek.organizations.models import Organisation
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for


def _flash_errors(request: HttpRequest, exc: ValidationError) -> None:
    for field, msgs in validation_errors(exc).items():
        for msg in msgs:
            messages.error(request, msg if field == "__all__" else f"{msg}")


def _date(raw: str | None, default: dt.date | None = None) -> dt.date:
    if not raw:
        if default is None:
            raise ValidationError({"date": _("Give a date.")})
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationError(
            {"date": _("'%(value)s' is not a date (YYYY-MM-DD).") % {"value": raw}}
        ) from exc


def _decimal(raw: str | None, field: str) -> Decimal:
    try:
        return Decimal((raw or "").replace(",", ".").replace(" ", ""))
    except InvalidOperation as exc:
        raise ValidationError({field: _("'%(value)s' is not a number.") % {"value": raw}}) from exc


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
@require_GET
def device_work(request: HttpRequest, device_id: int) -> HttpResponse:
    """One device's open work with start buttons, its PM state and last protocols, and a report link."""
    device = Device.objects.select_related("model", "owner", "location").get_visible(
        request.user, Cap.VIEW, pk=device_id
    )
    scope = scope_for(request.user)
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
        },
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
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "maintenance/work_order_list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "kinds": WorkOrderKind.choices,
            "statuses": WorkOrderStatus.choices,
            "can_report": scope_for(request.user).can(Cap.WORK_REPORT),
        },
    )


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """MT's board: open work by priority with SLA states."""
    scope_for(request.user).require(Cap.WORK_DO)
    return render(request, "maintenance/board.html", {"columns": selectors.board(user=request.user)})


@login_required
@require_GET
def pm_due(request: HttpRequest) -> HttpResponse:
    """PM due and overdue per customer, the planner button, and watch items for external maintenance."""
    scope_for(request.user).require(Cap.WORK_DO)
    return render(
        request,
        "maintenance/pm_due.html",
        {
            "rows": selectors.pm_due_by_customer(user=request.user),
            "watch_items": selectors.watch_items(user=request.user, limit=100),
            "can_plan": scope_for(request.user).can(Cap.WORK_MANAGE),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def plan(request: HttpRequest) -> HttpResponse:
    scope_for(request.user).require(Cap.WORK_MANAGE)
    try:
        days = int(request.POST.get("horizon_days") or 30)
        run = services.plan_maintenance(user=request.user, horizon_days=days)
    except ValueError:
        messages.error(request, _("The horizon is a number of days."))
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(
            request,
            _("Planned up to %(end)s: %(n)d PM work orders, %(w)d watch items.")
            % {
                "end": run.horizon_end.isoformat(),
                "n": run.work_orders_created,
                "w": run.watch_items_created,
            },
        )
    return redirect("maintenance:pm_due")


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """A customer reports a fault or asks for advice, on its own device or for its organisation."""
    scope_for(request.user).require(Cap.WORK_REPORT)
    device = None
    raw_device = request.GET.get("device") or request.POST.get("device")
    if raw_device:
        device = (
            Device.objects.visible_to(request.user, Cap.WORK_REPORT)
            .select_related("model", "owner")
            .filter(pk=int(raw_device) if raw_device.isdigit() else 0)
            .first()
        )
        if device is None and request.method == "GET":
            messages.error(request, _("Unknown device, or one you may not report on."))
    customers = list(Organisation.objects.visible_to(request.user, Cap.WORK_REPORT).order_by("name"))
    values: dict[str, Any] = {"kind": request.GET.get("kind") or WorkOrderKind.CM}
    if request.method == "POST":
        values = request.POST.dict()
        try:
            wo = services.work_order_report(
                user=request.user,
                kind=values.get("kind") or WorkOrderKind.CM,
                title=values.get("title", ""),
                description=values.get("description", ""),
                device=int(raw_device) if raw_device and raw_device.isdigit() else None,
                customer=int(values["customer"]) if (values.get("customer") or "").isdigit() else None,
            )
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, _("Reported as %(number)s.") % {"number": wo.number})
            return redirect("maintenance:work_order_detail", work_order_id=wo.pk)
    kinds = [(k, label) for k, label in WorkOrderKind.choices if k != WorkOrderKind.PM]
    return render(
        request,
        "maintenance/report.html",
        {"device": device, "customers": customers, "values": values, "kinds": kinds},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def work_order_detail(request: HttpRequest, work_order_id: int) -> HttpResponse:
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
    return render(
        request,
        "maintenance/work_order_detail.html",
        {
            **data,
            "can_work": scope.can(Cap.WORK_DO, wo.customer_id),
            "can_manage": can_manage,
            "priorities": CMPriority.objects.all(),
            "technicians": technicians,
            "waiting_reasons": WaitingReason.choices,
            "material_kinds": MaterialKind.choices,
            "today": timezone.localdate(),
            "open": wo.status in selectors.OPEN,
        },
    )


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
    action = request.POST.get("action", "")
    try:
        if action == "triage":
            scope_for(request.user).require(Cap.WORK_MANAGE, wo.customer_id)
            assignee = request.POST.get("assigned_to") or None
            services.work_order_triage(
                user=request.user,
                work_order=wo,
                priority=request.POST.get("priority", ""),
                assigned_to=assignee,
            )
        elif action == "start":
            services.work_order_start(user=request.user, work_order=wo)
        elif action == "close":
            services.work_order_close(user=request.user, work_order=wo)
        elif action in ACTIONS:
            services.work_order_set_status(
                user=request.user,
                work_order=wo,
                status=ACTIONS[action],
                waiting_reason=request.POST.get("waiting_reason", ""),
                resolution=request.POST.get("resolution", ""),
            )
        else:
            raise ValidationError({"action": _("Unknown action.")})
    except ValidationError as exc:
        _flash_errors(request, exc)
    return redirect("maintenance:work_order_detail", work_order_id=wo.pk)


@login_required
@require_http_methods(["GET", "POST"])
def work_order_entry(request: HttpRequest, work_order_id: int, entry: str) -> HttpResponse:
    """Add a time entry, a visit or a material line (GET: back to the work order)."""
    wo = selectors.work_order_get(user=request.user, pk=work_order_id)
    if request.method == "GET":
        return redirect("maintenance:work_order_detail", work_order_id=wo.pk)
    scope_for(request.user).require(Cap.WORK_DO, wo.customer_id)
    p = request.POST
    billable = p.get("billable", "on") in {"on", "1", "true"}
    try:
        day = _date(p.get("date"), timezone.localdate())
        if entry == "time":
            services.time_entry_add(
                user=request.user,
                work_order=wo,
                date=day,
                hours=_decimal(p.get("hours"), "hours"),
                billable=billable,
                note=p.get("note", ""),
            )
        elif entry == "travel":
            services.travel_entry_add(
                user=request.user,
                work_order=wo,
                date=day,
                cost=_decimal(p.get("cost"), "cost"),
                description=p.get("description", ""),
                billable=billable,
            )
        else:
            services.material_line_add(
                user=request.user,
                work_order=wo,
                date=day,
                kind=p.get("kind", ""),
                description=p.get("description", ""),
                article_number=p.get("article_number", ""),
                quantity=_decimal(p.get("quantity"), "quantity"),
                unit_price=_decimal(p.get("unit_price"), "unit_price"),
                billable=billable,
            )
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("maintenance:work_order_detail", work_order_id=wo.pk)


@login_required
@require_http_methods(["GET", "POST"])
def protocol_results(request: HttpRequest, protocol_record_id: int) -> HttpResponse:
    """The technician's protocol form: a check is ticked yes/no, a measured value comes with its unit."""
    record = ProtocolRecord.objects.select_related("template").get_visible(
        request.user, Cap.VIEW, pk=protocol_record_id
    )
    if request.method == "GET":
        return redirect("maintenance:work_order_detail", work_order_id=record.work_order_id)
    answers: dict[int, dict[str, Any]] = {}
    for item in record.template.items.all():
        if item.kind == "check":
            raw = request.POST.get(f"item-{item.pk}")
            if raw in {"yes", "no"}:
                answers[item.pk] = {"checked": raw == "yes"}
        else:
            raw = (request.POST.get(f"item-{item.pk}") or "").strip()
            if raw:
                answers[item.pk] = {
                    "value": raw.replace(",", "."),
                    "unit": request.POST.get(f"unit-{item.pk}", item.unit),
                }
    complete = request.POST.get("complete") == "1"
    try:
        rec = services.protocol_record(user=request.user, record=record, results=answers, complete=complete)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        if complete:
            messages.success(
                request, _("Protocol recorded: %(result)s.") % {"result": rec.get_result_display()}
            )
        else:
            messages.success(request, _("Draft saved."))
    return redirect("maintenance:work_order_detail", work_order_id=record.work_order_id)


@login_required
@require_GET
def key_figures(request: HttpRequest) -> HttpResponse:
    """Key figures per customer and period."""
    customers = selectors.customers_for(user=request.user)
    today = timezone.localdate()
    start = today.replace(day=1)
    figures = None
    try:
        start = _date(request.GET.get("start"), start)
        end = _date(request.GET.get("end"), today)
        raw = request.GET.get("customer") or ""
        customer_id = int(raw) if raw.isdigit() else (customers[0].pk if customers else None)
        if customer_id is not None:
            figures = selectors.key_figures(user=request.user, customer_id=customer_id, start=start, end=end)
    except ValidationError as exc:
        _flash_errors(request, exc)
        end = today
        customer_id = None
    return render(
        request,
        "maintenance/key_figures.html",
        {"customers": customers, "figures": figures, "start": start, "end": end, "customer_id": customer_id},
    )


@login_required
@require_GET
def priority_models(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "maintenance/priority_models.html",
        {**selectors.priority_models(), "protocols": selectors.protocol_templates()},
    )
