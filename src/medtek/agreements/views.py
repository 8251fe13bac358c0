"""Agreement pages: list with notice warnings, detail with termination, rate schedules with the index."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from medtek.agreements import selectors, services
from medtek.agreements.forms import DayForm, IndexFigureForm, RoundingForm, TerminateForm
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


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    day = _day(request)
    rows = [_row(a, day) for a in selectors.agreement_list(user=request.user)]
    return render(
        request,
        "agreements/agreement_list.html",
        {"rows": rows, "day": day, "day_form": DayForm(initial={"day": day})},
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
    }


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
    if form.is_valid():
        try:
            agreement = services.agreement_terminate(
                user=request.user, agreement=agreement, **form.cleaned_data
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Notice recorded; the agreement ends %(end)s.")
                % {"end": agreement.end_on(form.cleaned_data["given_on"]).isoformat()},
            )
            return redirect("agreements:agreement_detail", agreement_id=agreement.pk)
    agreement = selectors.agreement_get(user=request.user, pk=agreement_id)
    return render(
        request,
        "agreements/agreement_detail.html",
        _detail_context(request, agreement, timezone.localdate(), form),
        status=422,
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
    form = IndexFigureForm(request.POST)
    if form.is_valid():
        try:
            services.index_figure_enter(user=request.user, schedule=schedule, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Index figure saved."))
            return redirect("agreements:rate_schedule_detail", rate_schedule_id=schedule.pk)
    schedule = selectors.rate_schedule_get(user=request.user, pk=rate_schedule_id)
    return render(
        request,
        "agreements/rate_schedule_detail.html",
        _schedule_context(request, schedule, form),
        status=422,
    )


@login_required
def rate_schedule_rounding(request: HttpRequest, rate_schedule_id: int) -> HttpResponse:
    schedule = selectors.rate_schedule_get(
        user=request.user, pk=rate_schedule_id, capability=Cap.AGREEMENT_MANAGE
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = RoundingForm(request.POST)
    if form.is_valid():
        try:
            services.rate_schedule_set_rounding(
                user=request.user, schedule=schedule, rounding=form.cleaned_data["rounding"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Rounding saved."))
            return redirect("agreements:rate_schedule_detail", rate_schedule_id=schedule.pk)
    schedule = selectors.rate_schedule_get(user=request.user, pk=rate_schedule_id)
    return render(
        request,
        "agreements/rate_schedule_detail.html",
        _schedule_context(request, schedule, rounding_form=form),
        status=422,
    )
