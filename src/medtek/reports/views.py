"""The start page: each app's panels, for what the user may see."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from medtek.core.downloads import download
from medtek.core.ui import PANELS


@login_required
def home(request: HttpRequest) -> HttpResponse:
    panels = []
    for panel in PANELS:
        context = panel.context(request)
        if context is not None:
            panels.append({"template": panel.template, "context": context})
    # Deadlines, overdue PM and notice dates on the panels are all counted from this day.
    return render(request, "reports/home.html", {"panels": panels, "today": timezone.localdate()})


@login_required
@require_GET
def evaluation_pdf(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    """The evaluation report of an agreement (J24/J25) as PDF, for the parties of the agreement."""
    from medtek.agreements import selectors as agreement_selectors
    from medtek.reports.evaluation import evaluation_pdf as build

    evaluation = agreement_selectors.evaluation_get(user=request.user, pk=evaluation_id)
    body = build(user=request.user, evaluation=evaluation)
    return download(body, f"utvardering-{evaluation.agreement.reference}-{evaluation.period_start.year}.pdf")


@login_required
@require_GET
def advice_usage(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """Each customer's advice hours in a year against the agreement's limit (J13)."""
    from django.utils import timezone

    from medtek.reports.advice import advice_usage as usage

    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2200 else timezone.localdate().year
    report = usage(user=request.user, agreement_id=agreement_id, year=year)
    return render(request, "reports/advice.html", {"report": report})


@login_required
@require_GET
def forecast(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """FU and AU hours per customer and month for the next 12 months against MT's capacity (J5)."""
    from django.utils import timezone

    from medtek.reports.forecast import forecast as build

    report = build(user=request.user, agreement_id=agreement_id, start=timezone.localdate())
    return render(request, "reports/forecast.html", {"report": report})
