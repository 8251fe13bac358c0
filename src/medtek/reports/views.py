"""The start page (each app's panels, for what the user may see) and the reports that read many apps."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from medtek.agreements.models import Agreement
from medtek.core.downloads import download
from medtek.core.ui import PANELS
from medtek.organizations.rules import Cap
from medtek.reports.followup import followup as followup_report
from medtek.reports.forms import FollowupForm


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


@login_required
@require_GET
def followup(request: HttpRequest) -> HttpResponse:
    """The agreement's follow-up per customer and year, on the page and as XLSX or PDF."""
    from medtek.billing.exports import pdf, tables

    agreements = list(Agreement.objects.visible_to(request.user, Cap.BILLING_VIEW).order_by("-valid_from"))
    initial = {"year": timezone.localdate().year, "agreement": agreements[0].pk if agreements else None}
    form = FollowupForm(request.GET or None, agreements=agreements, initial=initial)
    report = None
    if form.is_bound and form.is_valid():
        report = followup_report(
            user=request.user,
            agreement_id=int(form.cleaned_data["agreement"]),
            year=form.cleaned_data["year"],
        )
        fmt = request.GET.get("format", "")
        if fmt in {"xlsx", "pdf"}:
            rows = tables.followup_rows(report)
            stem = f"uppfoljning-{report['agreement'].reference}-{report['year']}"
            if fmt == "xlsx":
                body = tables.to_xlsx([(str(report["year"]), tables.FOLLOWUP_HEADER, rows)])
            else:
                body = pdf.table_pdf(
                    f"Uppföljning {report['agreement'].reference} {report['year']}",
                    tables.FOLLOWUP_HEADER,
                    rows,
                    subtitle=f"Inventarier räknade per {report['count_day']}",
                )
            return download(body, f"{stem}.{fmt}")
    return render(
        request, "reports/followup.html", {"form": form, "report": report, "query": request.GET.urlencode()}
    )
