"""Pages of field safety notices and incidents: thin, each a form, a service and a template."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from medtek.core.downloads import download
from medtek.core.forms import handle_form
from medtek.inventory.models import Device
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for
from medtek.safety import selectors, services
from medtek.safety.affected_list import MAX_BYTES
from medtek.safety.choices import Decision, IncidentStatus, NoticeAction, NoticeStatus
from medtek.safety.forms import (
    AcknowledgeForm,
    AffectedListForm,
    AssessmentForm,
    DecisionForm,
    IncidentForm,
    NoticeForm,
)
from medtek.safety.models import Acknowledgement, AffectedDevice


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


def _back(notice_id: int) -> HttpResponse:
    return redirect("safety:notice_detail", notice_id=notice_id)


def notice_action(capability: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A POST action on a notice that needs `capability`: a notice the user may not see is a 404, one it
    sees but may not act on a 403 with the reason (before any form is read), a GET goes back to it."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, notice_id: int) -> HttpResponse:
            if request.method != "POST":
                selectors.notice_get(user=request.user, pk=notice_id)
                return _back(notice_id)
            selectors.notice_get(user=request.user, pk=notice_id, capability=capability)
            return view(request, notice_id)

        return wrapped

    return decorate


# --- notices --------------------------------------------------------------------------------------


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in NoticeStatus.values:
        status = ""
    page = selectors.notice_list(user=request.user, status=status, cursor=request.GET.get("cursor") or None)
    scope = scope_for(request.user)
    return render(
        request,
        "safety/notice_list.html",
        {
            "page": page,
            "status": status,
            "statuses": NoticeStatus.choices,
            "can_manage": scope.can(Cap.WORK_MANAGE),
        },
    )


@login_required
def notice_new(request: HttpRequest) -> HttpResponse:
    scope_for(request.user).require(Cap.WORK_MANAGE)

    def page(form: NoticeForm) -> HttpResponse:
        return render(request, "safety/notice_new.html", {"form": form})

    if request.method != "POST":
        return page(NoticeForm())
    form = NoticeForm(request.POST)

    def register(data: dict[str, Any]) -> Any:
        return services.notice_register(
            user=request.user,
            manufacturer=data["manufacturer"],
            reference=data["reference"],
            title=data["title"],
            issued_on=data["issued_on"],
            action=data["action"],
            urgency=data["urgency"],
            instructions=data["instructions"],
            **form.criteria(),
        )

    def registered(notice: Any) -> HttpResponse:
        messages.success(request, _("Field safety notice %(ref)s registered.") % {"ref": notice.reference})
        return _back(notice.pk)

    return handle_form(request, form, register, done=registered, again=page)


@login_required
def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = selectors.notice_get(user=request.user, pk=notice_id)
    scope = scope_for(request.user)
    rows = selectors.visible_rows(user=request.user, notice=notice)
    progress = selectors.notice_progress(notice=notice, rows=rows)
    customer_raw = request.GET.get("customer", "")
    customer_id = int(customer_raw) if customer_raw.isdigit() else None
    decision = request.GET.get("decision", "")
    if decision not in Decision.values:
        decision = ""
    page = selectors.affected_page(
        user=request.user,
        notice=notice,
        customer_id=customer_id,
        decision=decision,
        cursor=request.GET.get("cursor") or None,
    )
    summary = selectors.customer_summary(user=request.user, notice=notice)
    ack_customers = [
        (row["customer_id"], row["customer__name"])
        for row in summary
        if row["acknowledgement"] is None and scope.can(Cap.WORK_REPORT, row["customer_id"])
    ]
    manage = scope.can(Cap.WORK_MANAGE, notice.department_id)
    context: dict[str, Any] = {
        "notice": notice,
        "progress": progress,
        "page": page,
        "summary": summary,
        "customer_id": customer_id,
        "decision": decision,
        "decisions": Decision.choices,
        "manage": manage,
        "can_decide": scope.can(Cap.WORK_DO),
        "is_open": notice.status == NoticeStatus.OPEN,
        "stop_using": notice.action == NoticeAction.STOP_USING,
        "list_form": AffectedListForm(),
        "ack_form": AcknowledgeForm(customers=ack_customers)
        if ack_customers and not scope.is_mt_staff
        else None,
        "models": list(notice.device_models.all()),
        "outcome": selectors.outcome,
    }
    return render(request, "safety/notice_detail.html", context)


def _post_action(request: HttpRequest, notice_id: int, action: Any, done: str) -> HttpResponse:
    try:
        count = action(user=request.user, notice=notice_id)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, done % {"n": count})
    return _back(notice_id)


@notice_action(Cap.WORK_MANAGE)
def notice_search(request: HttpRequest, notice_id: int) -> HttpResponse:
    return _post_action(
        request, notice_id, services.notice_find_devices, _("%(n)s affected devices found and listed.")
    )


@notice_action(Cap.WORK_MANAGE)
def notice_work_orders(request: HttpRequest, notice_id: int) -> HttpResponse:
    return _post_action(
        request, notice_id, services.notice_create_work_orders, _("%(n)s corrective work orders created.")
    )


@notice_action(Cap.WORK_MANAGE)
def notice_block(request: HttpRequest, notice_id: int) -> HttpResponse:
    return _post_action(
        request, notice_id, services.notice_block_devices, _("%(n)s devices blocked from use.")
    )


@notice_action(Cap.WORK_MANAGE)
def notice_close(request: HttpRequest, notice_id: int) -> HttpResponse:
    try:
        services.notice_close(user=request.user, notice=notice_id)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The notice is closed."))
    return _back(notice_id)


@notice_action(Cap.WORK_MANAGE)
def notice_import(request: HttpRequest, notice_id: int) -> HttpResponse:
    form = AffectedListForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the manufacturer's list to upload."))
        return _back(notice_id)
    upload = form.cleaned_data["file"]
    try:
        added = services.notice_import_list(
            user=request.user, notice=notice_id, data=upload.read(MAX_BYTES + 1), filename=upload.name or ""
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("%(n)s devices of the manufacturer's list added.") % {"n": added})
    return _back(notice_id)


@notice_action(Cap.WORK_REPORT)
def notice_acknowledge(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = selectors.notice_get(user=request.user, pk=notice_id)
    raw = request.POST.get("customer", "")
    try:
        ack: Acknowledgement = services.notice_acknowledge(
            user=request.user,
            notice=notice,
            customer=int(raw) if raw.isdigit() else None,
            note=request.POST.get("note", "")[:500],
        )
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(
            request, _("Notice acknowledged for %(customer)s.") % {"customer": ack.customer.name}
        )
    return _back(notice.pk)


@login_required
def affected_detail(request: HttpRequest, affected_id: int) -> HttpResponse:
    row: AffectedDevice = selectors.affected_get(user=request.user, pk=affected_id)
    if request.method == "POST":
        scope_for(request.user).require(Cap.WORK_DO, row.customer_id)

    def page(form: DecisionForm) -> HttpResponse:
        can_decide = scope_for(request.user).can(Cap.WORK_DO, row.customer_id)
        return render(
            request, "safety/affected_detail.html", {"row": row, "form": form, "can_decide": can_decide}
        )

    if request.method != "POST":
        return page(DecisionForm(initial={"decision": row.decision, "reason": row.reason}))

    def recorded(_row: Any) -> HttpResponse:
        messages.success(request, _("Finding recorded for %(asset)s.") % {"asset": row.device.asset_number})
        return _back(row.notice_id)

    return handle_form(
        request,
        DecisionForm(request.POST),
        lambda data: services.affected_decide(
            user=request.user, affected=row, decision=data["decision"], reason=data["reason"]
        ),
        done=recorded,
        again=page,
    )


@login_required
def notice_report(request: HttpRequest, notice_id: int, fmt: str = "html") -> HttpResponse:
    from medtek.safety import exports

    notice = selectors.notice_get(user=request.user, pk=notice_id)
    progress = selectors.notice_progress(
        notice=notice, rows=selectors.visible_rows(user=request.user, notice=notice)
    )
    rows = selectors.report_rows(user=request.user, notice=notice)
    if fmt == "pdf":
        return download(exports.report_pdf(notice, progress, rows), f"fsn-{notice.pk}.pdf")
    if fmt == "xlsx":
        return download(exports.report_xlsx(notice, progress, rows), f"fsn-{notice.pk}.xlsx")
    return render(
        request, "safety/notice_report.html", {"notice": notice, "progress": progress, "rows": rows}
    )


# --- devices and incidents ------------------------------------------------------------------------


@login_required
def device_safety(request: HttpRequest, device_id: int) -> HttpResponse:
    device = Device.objects.select_related("model__manufacturer", "owner").get_visible(
        request.user, pk=device_id
    )
    return render(
        request,
        "safety/device_safety.html",
        {
            "device": device,
            "notices": selectors.device_notices(user=request.user, device_id=device.pk),
            "incidents": selectors.device_incidents(user=request.user, device_id=device.pk),
            "can_report": scope_for(request.user).can(Cap.WORK_REPORT, device.owner_id),
            "outcome": selectors.outcome,
        },
    )


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in IncidentStatus.values:
        status = ""
    page = selectors.incident_list(user=request.user, status=status, cursor=request.GET.get("cursor") or None)
    scope = scope_for(request.user)
    return render(
        request,
        "safety/incident_list.html",
        {
            "page": page,
            "status": status,
            "statuses": IncidentStatus.choices,
            "can_report": scope.can(Cap.WORK_REPORT),
            "can_assess": scope.can(Cap.WORK_MANAGE),
        },
    )


@login_required
def incident_new(request: HttpRequest) -> HttpResponse:
    scope_for(request.user).require(Cap.WORK_REPORT)
    initial: dict[str, Any] = {}
    raw = request.GET.get("device", "")
    if request.method == "GET" and raw.isdigit():
        asset = (
            Device.objects.visible_to(request.user, Cap.WORK_REPORT)
            .filter(pk=int(raw))
            .values_list("asset_number", flat=True)
            .first()
        )
        if asset:
            initial["asset_number"] = asset

    def page(form: IncidentForm) -> HttpResponse:
        return render(request, "safety/incident_new.html", {"form": form})

    if request.method != "POST":
        return page(IncidentForm(initial=initial))

    def report(data: dict[str, Any]) -> Any:
        device = (
            Device.objects.visible_to(request.user, Cap.WORK_REPORT)
            .filter(asset_number__iexact=data["asset_number"].strip())
            .first()
        )
        if device is None:
            raise ValidationError({"asset_number": _("Unknown device, or one you may not report on.")})
        return services.incident_report(
            user=request.user,
            device=device,
            kind=data["kind"],
            occurred_at=data["occurred_at"],
            place=data["place"],
            description=data["description"],
            patient_harm=data["patient_harm"],
            block=data["block_device"],
        )

    def reported(incident: Any) -> HttpResponse:
        messages.success(request, _("Incident reported; MT assesses it."))
        return redirect("safety:incident_detail", incident_id=incident.pk)

    return handle_form(request, IncidentForm(request.POST), report, done=reported, again=page)


@login_required
def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, pk=incident_id)
    scope = scope_for(request.user)
    if request.method == "POST":
        scope.require(Cap.WORK_MANAGE, incident.customer_id)
    can_assess = scope.can(Cap.WORK_MANAGE, incident.customer_id)
    initial = {
        "report_manufacturer": bool(incident.report_manufacturer),
        "manufacturer_reference": incident.manufacturer_reference,
        "manufacturer_reported_on": incident.manufacturer_reported_on,
        "report_authority": bool(incident.report_authority),
        "authority_reference": incident.authority_reference,
        "authority_reported_on": incident.authority_reported_on,
        "assessment": incident.assessment,
    }

    def page(form: AssessmentForm | None) -> HttpResponse:
        return render(request, "safety/incident_detail.html", {"incident": incident, "form": form})

    if request.method != "POST":
        return page(AssessmentForm(initial=initial) if can_assess else None)

    def assessed(_incident: Any) -> HttpResponse:
        messages.success(request, _("Assessment recorded."))
        return redirect("safety:incident_detail", incident_id=incident.pk)

    return handle_form(
        request,
        AssessmentForm(request.POST, initial=initial),
        lambda data: services.incident_assess(user=request.user, incident=incident, **data),
        done=assessed,
        again=page,
    )


@login_required
def incidents_per_model(request: HttpRequest) -> HttpResponse:
    return render(
        request, "safety/incidents_per_model.html", {"rows": selectors.incidents_per_model(user=request.user)}
    )


def notice_list_url() -> str:
    return reverse("safety:notice_list")
