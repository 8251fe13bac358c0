"""Agreement pages: list with notice warnings, detail with termination, rate schedules with the index."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from medtek.agreements import selectors, services
from medtek.agreements.choices import AgreementKind
from medtek.agreements.forms import (
    AcknowledgeForm,
    AdviceLimitForm,
    AgreementEditForm,
    AgreementForm,
    ChangeNoticeForm,
    ContactForm,
    DayForm,
    EvaluationActionForm,
    EvaluationForm,
    EvaluationReportForm,
    EvaluationStartForm,
    IndexFigureForm,
    MonitoringForm,
    RoundingForm,
    TerminateForm,
)
from medtek.core.forms import handle_form
from medtek.organizations.choices import OrganisationKind
from medtek.organizations.models import Organisation
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for

WARN_DAYS = 90


def _day(request: HttpRequest) -> dt.date:
    form = DayForm(request.GET)
    if form.is_valid() and form.cleaned_data["day"]:
        return form.cleaned_data["day"]
    return timezone.localdate()


def _row(agreement: Any, day: dt.date) -> dict[str, Any]:
    deadline = agreement.notice_deadline_on(day)
    days_left = (deadline - day).days if deadline else None
    return {
        "agreement": agreement,
        "status": agreement.status_on(day),
        "end": agreement.end_on(day),
        "deadline": deadline,
        "days_left": days_left,
        "near": days_left is not None and 0 <= days_left <= WARN_DAYS,
    }


@login_required
@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    day = _day(request)
    rows = [_row(a, day) for a in selectors.agreement_list(user=request.user)]
    return render(
        request,
        "agreements/agreement_list.html",
        {
            "rows": rows,
            "day": day,
            "day_form": DayForm(initial={"day": day}),
            "can_manage": scope_for(request.user).can(Cap.AGREEMENT_MANAGE),
        },
    )


NOT_CUSTOMERS = (OrganisationKind.MT_DEPARTMENT, OrganisationKind.SUPPLIER, OrganisationKind.MANUFACTURER)


def _agreement_form(
    request: HttpRequest, data: Any = None, *, form_class: type[AgreementForm] = AgreementForm, **kwargs: Any
) -> AgreementForm:
    """The agreement form (new, or `AgreementEditForm`) with the parties the user may make agreements for."""
    manageable = Organisation.objects.visible_to(request.user, Cap.AGREEMENT_MANAGE).order_by("name")
    providers = list(
        manageable.filter(kind=OrganisationKind.MT_DEPARTMENT).values_list("pk", "name", "parent_id")
    )
    seller_ids = {pk for pk, _name, _parent in providers} | {p for _pk, _n, p in providers if p}
    sellers = list(Organisation.objects.filter(pk__in=seller_ids).order_by("name").values_list("pk", "name"))
    customers = list(manageable.exclude(kind__in=NOT_CUSTOMERS).values_list("pk", "name"))
    schedules = [(s.pk, s.name) for s in selectors.rate_schedule_list(user=request.user)]
    return form_class(
        data,
        providers=[(pk, name) for pk, name, _parent in providers],
        sellers=sellers,
        customers=customers,
        schedules=schedules,
        **kwargs,
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_new(request: HttpRequest) -> HttpResponse:
    """MT admin records a new agreement with its customers, through the service the API calls."""
    scope_for(request.user).require(Cap.AGREEMENT_MANAGE)

    def page(form: AgreementForm) -> HttpResponse:
        return render(request, "agreements/agreement_form.html", {"form": form})

    if request.method != "POST":
        return page(_agreement_form(request))
    form = _agreement_form(request, request.POST)

    def create(_data: dict[str, Any]) -> Any:
        data = form.service_kwargs()
        return services.agreement_create(
            user=request.user,
            provider=data.pop("provider"),
            seller=data.pop("seller"),
            rate_schedule=data.pop("rate_schedule"),
            **data,
        )

    return handle_form(
        request,
        form,
        create,
        done=lambda agreement: _agreement_saved(
            request, _("Agreement %(reference)s recorded.") % {"reference": agreement.reference}, agreement
        ),
        again=page,
        label=_customers_label,
    )


def _customers_label(field: str) -> str:
    return str(_("Customers")) if field == "customers" else field


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """MT admin changes an agreement's terms, parties and invoicing, through the service the API calls."""
    agreement = selectors.agreement_get(user=request.user, pk=agreement_id, capability=Cap.AGREEMENT_MANAGE)
    if agreement.terminated_on is not None and request.method != "POST":
        messages.error(request, services.terminated_refusal(agreement))
        return redirect("agreements:agreement_detail", agreement_id=agreement.pk)
    initial, rows = AgreementEditForm.initial_for(agreement)

    def page(form: AgreementForm) -> HttpResponse:
        return render(request, "agreements/agreement_edit.html", {"form": form, "agreement": agreement})

    form = _agreement_form(
        request,
        request.POST if request.method == "POST" else None,
        form_class=AgreementEditForm,
        initial=initial,
        rows=rows,
    )
    if request.method != "POST":
        return page(form)

    def update(_data: dict[str, Any]) -> Any:
        return services.agreement_update(user=request.user, agreement=agreement, **form.service_kwargs())

    return handle_form(
        request,
        form,
        update,
        done=lambda changed: _agreement_saved(
            request, _("Agreement %(reference)s saved.") % {"reference": changed.reference}, changed
        ),
        again=page,
        label=_customers_label,
    )


def _detail_context(request: HttpRequest, agreement: Any, day: dt.date, form: Any = None) -> dict[str, Any]:
    can_manage = scope_for(request.user).can(Cap.AGREEMENT_MANAGE, agreement.provider_id)
    rate = None
    rate_error = ""
    if agreement.rate_schedule is not None:
        try:
            rate = agreement.rate_schedule.rate_on(day)
        except ValueError as exc:
            rate_error = str(exc)
    return {
        "agreement": agreement,
        "row": _row(agreement, day),
        "day": day,
        "day_form": DayForm(initial={"day": day}),
        "can_manage": can_manage,
        "form": form or (TerminateForm(initial={"given_on": timezone.localdate()}) if can_manage else None),
        "rate": rate,
        "rate_error": rate_error,
        **_relationship_context(request, agreement),
    }


def _parties(agreement: Any) -> list[tuple[int, str]]:
    return [(agreement.provider_id, agreement.provider.name)] + [
        (p.customer_id, p.customer.name) for p in agreement.parties.all()
    ]


def _notice_form(agreement: Any, me: Any, data: Any = None) -> ChangeNoticeForm:
    if me is not None and me.pk == agreement.provider_id:
        recipients = [(p.customer_id, p.customer.name) for p in agreement.parties.all()]
    else:
        recipients = [(agreement.provider_id, agreement.provider.name)]
    return ChangeNoticeForm(data, recipients=recipients, initial={"to_party": recipients[0][0]})


def _monitoring_form(data: Any = None, initial: Any = None) -> MonitoringForm:
    suppliers = list(
        Organisation.objects.filter(kind=OrganisationKind.SUPPLIER).order_by("name").values_list("pk", "name")
    )
    return MonitoringForm(data, suppliers=suppliers, initial=initial)


def _relationship_context(
    request: HttpRequest,
    agreement: Any,
    *,
    contact_form: Any = None,
    notice_form: Any = None,
    monitoring_form: Any = None,
) -> dict[str, Any]:
    me = selectors.acting_party(user=request.user, agreement=agreement)
    is_mt = me is not None and me.pk == agreement.provider_id
    own = _parties(agreement) if is_mt else [(me.pk, me.name)] if me is not None else []
    monitoring = agreement.kind == AgreementKind.MONITORING
    device_ids = selectors.monitored_device_ids(agreement=agreement) if monitoring else []
    return {
        "me": me,
        "contacts": selectors.agreement_contacts(agreement),
        "contact_form": contact_form or (ContactForm(parties=own) if own else None),
        "notices": selectors.change_notices(user=request.user, agreement=agreement),
        "notice_form": notice_form or (_notice_form(agreement, me) if me is not None else None),
        "ack_form": AcknowledgeForm(),
        "evaluations": selectors.evaluation_list(user=request.user, agreement=agreement),
        "evaluation_start_form": EvaluationStartForm(initial={"year": timezone.localdate().year})
        if is_mt
        else None,
        "advice_form": AdviceLimitForm(initial={"advice_hours_limit": agreement.advice_hours_limit})
        if is_mt
        else None,
        "monitoring": monitoring,
        "monitored_device_ids": device_ids,
        "monitoring_form": monitoring_form
        or (
            _monitoring_form(
                initial={
                    "supplier": agreement.external_supplier_id,
                    "device_ids": ", ".join(map(str, device_ids)),
                }
            )
            if monitoring and is_mt
            else None
        ),
    }


def _detail_again(request: HttpRequest, agreement: Any, **forms: Any) -> HttpResponse:
    context = _detail_context(request, agreement, timezone.localdate())
    context.update(_relationship_context(request, agreement, **forms))
    return render(request, "agreements/agreement_detail.html", context)


@login_required
@require_GET
def agreement_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = selectors.agreement_get(user=request.user, pk=agreement_id)
    return render(
        request, "agreements/agreement_detail.html", _detail_context(request, agreement, _day(request))
    )


@login_required
def agreement_terminate(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = selectors.agreement_get(user=request.user, pk=agreement_id, capability=Cap.AGREEMENT_MANAGE)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = TerminateForm(request.POST)

    def terminated(ended: Any) -> HttpResponse:
        messages.success(
            request,
            _("Notice recorded; the agreement ends %(end)s.")
            % {"end": ended.end_on(form.cleaned_data["given_on"]).isoformat()},
        )
        return redirect("agreements:agreement_detail", agreement_id=ended.pk)

    def again(sent: TerminateForm) -> HttpResponse:
        fresh = selectors.agreement_get(user=request.user, pk=agreement_id)
        return render(
            request,
            "agreements/agreement_detail.html",
            _detail_context(request, fresh, timezone.localdate(), sent),
        )

    return handle_form(
        request,
        form,
        lambda data: services.agreement_terminate(user=request.user, agreement=agreement, **data),
        done=terminated,
        again=again,
    )


@login_required
@require_GET
def rate_schedule_list(request: HttpRequest) -> HttpResponse:
    schedules = selectors.rate_schedule_list(user=request.user)
    today = timezone.localdate()
    rows = []
    for schedule in schedules:
        table = selectors.rate_table(schedule=schedule, until_year=today.year)
        rows.append(
            {"schedule": schedule, "current": next((r for r in table if r["year"] == today.year), None)}
        )
    return render(request, "agreements/rate_schedule_list.html", {"rows": rows, "today": today})


def _schedule_context(
    request: HttpRequest, schedule: Any, form: Any = None, rounding_form: Any = None
) -> dict[str, Any]:
    can_manage = scope_for(request.user).can(Cap.AGREEMENT_MANAGE, schedule.provider_id)
    next_year = timezone.localdate().year + 1
    return {
        "schedule": schedule,
        "table": selectors.rate_table(schedule=schedule, until_year=next_year),
        "can_manage": can_manage,
        "form": form or (IndexFigureForm(initial={"year": next_year}) if can_manage else None),
        "rounding_form": rounding_form
        or (RoundingForm(initial={"rounding": schedule.rounding}) if can_manage else None),
    }


@login_required
@require_GET
def rate_schedule_detail(request: HttpRequest, rate_schedule_id: int) -> HttpResponse:
    schedule = selectors.rate_schedule_get(user=request.user, pk=rate_schedule_id)
    return render(request, "agreements/rate_schedule_detail.html", _schedule_context(request, schedule))


@login_required
def index_figure_enter(request: HttpRequest, rate_schedule_id: int) -> HttpResponse:
    schedule = selectors.rate_schedule_get(
        user=request.user, pk=rate_schedule_id, capability=Cap.AGREEMENT_MANAGE
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return handle_form(
        request,
        IndexFigureForm(request.POST),
        lambda data: services.index_figure_enter(user=request.user, schedule=schedule, **data),
        done=lambda _figure: _saved(request, _("Index figure saved."), schedule),
        again=lambda sent: _schedule_again(request, rate_schedule_id, form=sent),
    )


def _saved(request: HttpRequest, message: str, schedule: Any) -> HttpResponse:
    messages.success(request, message)
    return redirect("agreements:rate_schedule_detail", rate_schedule_id=schedule.pk)


def _schedule_again(request: HttpRequest, rate_schedule_id: int, **forms: Any) -> HttpResponse:
    schedule = selectors.rate_schedule_get(user=request.user, pk=rate_schedule_id)
    return render(
        request, "agreements/rate_schedule_detail.html", _schedule_context(request, schedule, **forms)
    )


@login_required
def rate_schedule_rounding(request: HttpRequest, rate_schedule_id: int) -> HttpResponse:
    schedule = selectors.rate_schedule_get(
        user=request.user, pk=rate_schedule_id, capability=Cap.AGREEMENT_MANAGE
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return handle_form(
        request,
        RoundingForm(request.POST),
        lambda data: services.rate_schedule_set_rounding(
            user=request.user, schedule=schedule, rounding=data["rounding"]
        ),
        done=lambda _schedule: _saved(request, _("Rounding saved."), schedule),
        again=lambda sent: _schedule_again(request, rate_schedule_id, rounding_form=sent),
    )


@login_required
def agreement_contact_add(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = selectors.agreement_get(user=request.user, pk=agreement_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.party_required(user=request.user, agreement=agreement, refusal=services.CONTACTS_REFUSED)
    return handle_form(
        request,
        ContactForm(request.POST, parties=_parties(agreement)),
        lambda data: services.agreement_contact_add(user=request.user, agreement=agreement, **data),
        done=lambda _contact: _agreement_saved(request, _("Contact added."), agreement),
        again=lambda sent: _detail_again(request, agreement, contact_form=sent),
    )


def _agreement_saved(request: HttpRequest, message: str, agreement: Any) -> HttpResponse:
    messages.success(request, message)
    return redirect("agreements:agreement_detail", agreement_id=agreement.pk)


@login_required
def change_notice_record(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = selectors.agreement_get(user=request.user, pk=agreement_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    me = services.party_required(user=request.user, agreement=agreement, refusal=services.NOTICE_REFUSED)
    return handle_form(
        request,
        _notice_form(agreement, me, request.POST),
        lambda data: services.change_notice_record(user=request.user, agreement=agreement, **data),
        done=lambda _notice: _agreement_saved(
            request, _("Notice recorded; the other party is asked to acknowledge it."), agreement
        ),
        again=lambda sent: _detail_again(request, agreement, notice_form=sent),
    )


@login_required
def change_notice_acknowledge(request: HttpRequest, agreement_id: int, notice_id: int) -> HttpResponse:
    agreement = selectors.agreement_get(user=request.user, pk=agreement_id)
    notice = selectors.change_notice_get(user=request.user, agreement=agreement, pk=notice_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.party_required(
        user=request.user,
        agreement=agreement,
        refusal=services.ACKNOWLEDGE_REFUSED,
        prefer=notice.to_party_id,
    )
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.change_notice_acknowledge(user=request.user, notice=notice, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Notice acknowledged."))
    return redirect("agreements:agreement_detail", agreement_id=agreement.pk)


@login_required
def monitoring_set(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = selectors.agreement_get(user=request.user, pk=agreement_id, capability=Cap.AGREEMENT_MANAGE)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return handle_form(
        request,
        _monitoring_form(request.POST),
        lambda data: services.monitoring_coverage_set(
            user=request.user, agreement=agreement, supplier=data["supplier"], device_ids=data["device_ids"]
        ),
        done=lambda _agreement: _agreement_saved(request, _("The covered devices are saved."), agreement),
        again=lambda sent: _detail_again(request, agreement, monitoring_form=sent),
    )


@login_required
def evaluation_start(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = selectors.agreement_get(user=request.user, pk=agreement_id, capability=Cap.AGREEMENT_MANAGE)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = EvaluationStartForm(request.POST)
    if form.is_valid():
        try:
            evaluation = services.evaluation_start(
                user=request.user, agreement=agreement, year=form.cleaned_data["year"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Evaluation started."))
            return redirect("agreements:evaluation_detail", evaluation_id=evaluation.pk)
    return redirect("agreements:agreement_detail", agreement_id=agreement.pk)


def _evaluation_context(request: HttpRequest, evaluation: Any, **forms: Any) -> dict[str, Any]:
    agreement = evaluation.agreement
    me = selectors.acting_party(user=request.user, agreement=agreement)
    is_mt = me is not None and me.pk == agreement.provider_id
    initial = {
        "mt_assessment": evaluation.mt_assessment,
        "customer_assessment": evaluation.customer_assessment,
        "conclusions": evaluation.conclusions,
    }
    edit = forms.get("form") or EvaluationForm(initial=initial)
    if me is not None:
        edit.fields["customer_assessment" if is_mt else "mt_assessment"].disabled = True
    return {
        "evaluation": evaluation,
        "agreement": agreement,
        "me": me,
        "is_mt": is_mt,
        "form": edit if me is not None else None,
        "action_form": forms.get("action_form") or EvaluationActionForm(parties=_parties(agreement)),
        "report_form": forms.get("report_form") or (EvaluationReportForm() if is_mt else None),
    }


def _evaluation_again(request: HttpRequest, evaluation: Any, **forms: Any) -> HttpResponse:
    return render(
        request, "agreements/evaluation_detail.html", _evaluation_context(request, evaluation, **forms)
    )


def _evaluation_saved(request: HttpRequest, message: str, evaluation: Any) -> HttpResponse:
    messages.success(request, message)
    return redirect("agreements:evaluation_detail", evaluation_id=evaluation.pk)


@login_required
def evaluation_detail(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = selectors.evaluation_get(user=request.user, pk=evaluation_id)
    if request.method == "POST":
        return handle_form(
            request,
            EvaluationForm(request.POST),
            lambda data: services.evaluation_update(user=request.user, evaluation=evaluation, **data),
            done=lambda _evaluation: _evaluation_saved(request, _("Evaluation saved."), evaluation),
            again=lambda sent: _evaluation_again(request, evaluation, form=sent),
        )
    return render(request, "agreements/evaluation_detail.html", _evaluation_context(request, evaluation))


@login_required
def evaluation_action_add(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = selectors.evaluation_get(user=request.user, pk=evaluation_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.party_required(
        user=request.user, agreement=evaluation.agreement, refusal=services.EVALUATION_REFUSED
    )
    return handle_form(
        request,
        EvaluationActionForm(request.POST, parties=_parties(evaluation.agreement)),
        lambda data: services.evaluation_action_add(user=request.user, evaluation=evaluation, **data),
        done=lambda _action: _evaluation_saved(request, _("Action added."), evaluation),
        again=lambda sent: _evaluation_again(request, evaluation, action_form=sent),
    )


@login_required
def evaluation_action_done(request: HttpRequest, evaluation_id: int, action_id: int) -> HttpResponse:
    evaluation = selectors.evaluation_get(user=request.user, pk=evaluation_id)
    action = selectors.evaluation_action_get(user=request.user, evaluation=evaluation, pk=action_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.evaluation_action_done(user=request.user, action=action)
    except ValidationError as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Action marked done."))
    return redirect("agreements:evaluation_detail", evaluation_id=evaluation.pk)


@login_required
def evaluation_report(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = selectors.evaluation_get(
        user=request.user, pk=evaluation_id, capability=Cap.AGREEMENT_MANAGE
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return handle_form(
        request,
        EvaluationReportForm(request.POST),
        lambda data: services.evaluation_report(user=request.user, evaluation=evaluation, **data),
        done=lambda _evaluation: _evaluation_saved(
            request, _("The report is recorded as sent to the arenas."), evaluation
        ),
        again=lambda sent: _evaluation_again(request, evaluation, report_form=sent),
    )


@login_required
def agreement_advice_limit(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = selectors.agreement_get(user=request.user, pk=agreement_id, capability=Cap.AGREEMENT_MANAGE)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = AdviceLimitForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_set_advice_limit(
                user=request.user, agreement=agreement, hours=form.cleaned_data["advice_hours_limit"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Advice limit saved."))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("agreements:agreement_detail", agreement_id=agreement.pk)
