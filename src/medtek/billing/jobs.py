"""Billing runs as jobs, started from the billing-run page (and the assistive-device rent page)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medtek.billing import rules, services
from medtek.billing.choices import BillingPart
from medtek.billing.models import Invoice
from medtek.billing.runs import RUNS
from medtek.jobs.kinds import JobKind, register_kind
from medtek.jobs.models import Job
from medtek.jobs.progress import Progress
from medtek.jobs.services import job_start
from medtek.organizations.rules import Cap

RUN_KIND = "billing.run"
# The invoices a run's result lists (the run's page and the invoice list have them all).
INVOICES_LISTED = 100


def billing_run_start(*, user: Any, part: str, period: str, reference_date: dt.date | None = None) -> Job:
    """Start a billing run of `part` for `period` as a job; the period is checked first, on the form."""
    parse = rules.parse_half_year if part == BillingPart.FIXED else rules.parse_month
    try:
        label = parse(period).label
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from exc
    if part not in (BillingPart.FIXED, BillingPart.VARIABLE) and part not in RUNS:
        raise ValidationError({"part": _("Unknown billing part.")})
    return job_start(
        user=user,
        kind=RUN_KIND,
        capability=Cap.BILLING_MANAGE,
        title=f"{BillingPart(part).label if part in BillingPart.values else part} {label}",
        params={
            "part": part,
            "period": period,
            "reference_date": reference_date.isoformat() if reference_date else None,
        },
    )


def _run(job: Job, progress: Progress) -> dict[str, Any]:
    params = job.params
    part, period, user = params["part"], params["period"], job.started_by
    progress(step=_("Drafting invoices…"), force=True)
    if part == BillingPart.FIXED:
        day = params.get("reference_date")
        result = services.fixed_run(
            user=user, period=period, reference_date=dt.date.fromisoformat(day) if day else None
        )
    elif part == BillingPart.VARIABLE:
        result = services.variable_run(user=user, period=period)
    else:
        result = RUNS[part](user=user, period=period)
    ids = [*result.created, *result.updated, *result.unchanged]
    invoices = (
        Invoice.objects.visible_to(user)
        .filter(pk__in=ids)
        .select_related("customer")
        .order_by("number", "pk")[:INVOICES_LISTED]
    )
    return {
        "part": part,
        "period": result.period,
        "changed": result.changed,
        "invoices": [
            {
                "id": inv.pk,
                "label": str(inv),
                "customer": inv.customer.name,
                "status": str(inv.get_status_display()),
                "net": str(inv.net_total),
            }
            for inv in invoices
        ],
        "invoices_hidden": max(0, len(ids) - INVOICES_LISTED),
        "created": len(result.created),
        "updated": len(result.updated),
        "unchanged": len(result.unchanged),
        "url": f"{reverse('billing:run_list')}?{urlencode({'period': result.period})}",
        "invoices_url": f"{reverse('billing:invoice_list')}?{urlencode({'period': result.period})}",
    }


def _form_url(job: Job) -> str:
    """The page that starts a run of the job's part: assistive-device rent has its own."""
    if job.params.get("part") == BillingPart.ASSISTIVE:
        return reverse("assistive:billing")
    return reverse("billing:run_list")


def register() -> None:
    register_kind(
        JobKind(
            name=RUN_KIND,
            label=gettext_lazy("Billing run"),
            run=_run,
            template="billing/_run_job_result.html",
            capability=Cap.BILLING_MANAGE,
            atomic=True,  # each run drafts its invoices in one transaction
            form_url=_form_url,
        )
    )
