"""Billing pages: invoices with their basis and exports, billing runs and Table 1."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from medtek.agreements.models import Agreement
from medtek.agreements.rules import RateError
from medtek.billing import selectors, services
from medtek.billing.api import export_invoice
from medtek.billing.choices import InvoiceStatus
from medtek.billing.forms import BasisForm, CreditForm, InvoiceFilterForm, RunForm
from medtek.core.downloads import download
from medtek.core.forms import handle_form
from medtek.core.pagination import keyset_page
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for


def _messages_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


@login_required
@require_GET
def invoice_list(request: HttpRequest) -> HttpResponse:
    form = InvoiceFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.invoice_filtered(
        user=request.user,
        period=data.get("period", ""),
        status=data.get("status", ""),
        part=data.get("part", ""),
    )
    try:
        page = keyset_page(qs, order=["-period_start", "-id"], cursor=request.GET.get("cursor"))
    except ValidationError:
        page = keyset_page(qs, order=["-period_start", "-id"])
    params = request.GET.copy()
    params.pop("cursor", None)
    return render(
        request,
        "billing/invoice_list.html",
        {
            "form": form,
            "page": page,
            "query": params.urlencode(),
            "can_manage": scope_for(request.user).can(Cap.BILLING_MANAGE),
            "export_runs": list(selectors.export_runs(user=request.user)[:10]),
        },
    )


def _invoice_context(request: HttpRequest, invoice: Any, credit_form: Any = None) -> dict[str, Any]:
    can_manage = scope_for(request.user).can(Cap.BILLING_MANAGE, invoice.provider_id)
    return {
        "invoice": invoice,
        "lines": selectors.invoice_lines(invoice=invoice),
        "can_manage": can_manage,
        "credit_form": credit_form or CreditForm(),
        "credit_notes": list(invoice.credit_notes.all()),
    }


@login_required
@require_GET
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = selectors.invoice_get(user=request.user, pk=invoice_id)
    return render(request, "billing/invoice_detail.html", _invoice_context(request, invoice))


@login_required
def invoice_issue(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = selectors.invoice_get(user=request.user, pk=invoice_id, capability=Cap.BILLING_MANAGE)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        invoice = services.invoice_issue(user=request.user, invoice=invoice)
    except (ValidationError, PermissionDenied) as exc:
        for message in _messages_of(exc) if isinstance(exc, ValidationError) else [str(exc)]:
            messages.error(request, message)
    else:
        messages.success(request, _("Invoice %(number)s issued.") % {"number": invoice.number})
    target = request.POST.get("next", "")
    if not target.startswith("/billing/") or "//" in target:
        target = f"/billing/invoices/{invoice_id}/"
    return redirect(target)


@login_required
def invoice_credit(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = selectors.invoice_get(user=request.user, pk=invoice_id, capability=Cap.BILLING_MANAGE)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])

    def drafted(note: Any) -> HttpResponse:
        messages.success(request, _("Credit note drafted; issue it to send it."))
        return redirect("billing:invoice_detail", invoice_id=note.pk)

    return handle_form(
        request,
        CreditForm(request.POST),
        lambda data: services.invoice_credit(user=request.user, invoice=invoice, reason=data["reason"]),
        done=drafted,
        again=lambda sent: render(
            request, "billing/invoice_detail.html", _invoice_context(request, invoice, sent)
        ),
        label=_field_label,
    )


def _field_label(field: str) -> str:
    """A refusal about something the form has no field for, named as the page names it."""
    labels = {"agreement": _("Agreement"), "invoice": _("Invoice"), "date": _("Date")}
    return str(labels.get(field, field))


@login_required
@require_GET
def invoice_basis(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = selectors.invoice_get(user=request.user, pk=invoice_id)
    devices = selectors.counted_devices(invoice=invoice) if invoice.part == "fixed" else []
    lines = selectors.invoice_lines(invoice=invoice)
    work_orders = sorted(
        {line.work_order for line in lines if line.work_order is not None}, key=lambda w: w.number
    )
    return render(
        request,
        "billing/invoice_basis.html",
        {"invoice": invoice, "devices": devices, "work_orders": work_orders, "lines": lines},
    )


@login_required
@require_GET
def invoice_xml(request: HttpRequest, invoice_id: int) -> HttpResponse:
    return export_invoice(selectors.invoice_get(user=request.user, pk=invoice_id), "xml")


@login_required
@require_GET
def invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    return export_invoice(selectors.invoice_get(user=request.user, pk=invoice_id), "pdf")


@login_required
@require_GET
def invoice_csv(request: HttpRequest, invoice_id: int) -> HttpResponse:
    return export_invoice(selectors.invoice_get(user=request.user, pk=invoice_id), "csv")


@login_required
@require_GET
def invoice_xlsx(request: HttpRequest, invoice_id: int) -> HttpResponse:
    return export_invoice(selectors.invoice_get(user=request.user, pk=invoice_id), "xlsx")


@login_required
@require_GET
def run_invoices_zip(request: HttpRequest, run_id: int) -> HttpResponse:
    """Every invoice of a billing run as one PDF each, in one ZIP (finance, MT admins)."""
    from medtek.billing.exports import pdf

    run = selectors.run_get(user=request.user, pk=run_id)
    invoices = selectors.run_invoices(user=request.user, run=run)
    return download(pdf.invoices_zip(invoices), f"fakturor-{run.period}-{run.part}-{run.pk}.zip")


@login_required
@require_GET
def run_invoices_xlsx(request: HttpRequest, run_id: int) -> HttpResponse:
    """Every invoice of a billing run as one row of a spreadsheet for the ERP (finance, MT admins)."""
    from medtek.billing.exports import tables

    run = selectors.run_get(user=request.user, pk=run_id)
    invoices = [invoice for invoice, _lines in selectors.run_invoices(user=request.user, run=run)]
    body = tables.to_xlsx([(run.period, tables.INVOICE_HEADER, tables.invoice_rows(invoices))])
    return download(body, f"fakturor-{run.period}-{run.part}-{run.pk}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def run_list(request: HttpRequest) -> HttpResponse:
    scope_for(request.user).require(Cap.BILLING_MANAGE)

    def page(form: RunForm) -> HttpResponse:
        period = (request.GET.get("period") or "").strip().upper()
        drafts = selectors.invoice_filtered(user=request.user, status=InvoiceStatus.DRAFT, period=period)[
            :200
        ]
        runs = list(selectors.run_list(user=request.user)[:20])
        return render(
            request,
            "billing/run_list.html",
            {"form": form, "drafts": list(drafts), "runs": runs, "period": period},
        )

    if request.method != "POST":
        return page(RunForm(initial={"part": "fixed"}))

    def run(data: dict[str, Any]) -> Any:
        from medtek.billing.jobs import billing_run_start

        return billing_run_start(
            user=request.user, part=data["part"], period=data["period"], reference_date=data["reference_date"]
        )

    def started(job: Any) -> HttpResponse:
        return redirect("jobs:job_detail", job_id=job.pk)

    return handle_form(request, RunForm(request.POST), run, done=started, again=page, label=_field_label)


def _agreements_for(user: Any) -> list[Agreement]:
    return list(Agreement.objects.visible_to(user, Cap.BILLING_VIEW).order_by("-valid_from"))


@login_required
@require_GET
def basis_report(request: HttpRequest) -> HttpResponse:
    agreements = _agreements_for(request.user)
    form = BasisForm(request.GET or None, agreements=agreements)
    report = None
    error = ""
    if form.is_bound and form.is_valid():
        try:
            report = selectors.basis_report(
                user=request.user,
                agreement_id=int(form.cleaned_data["agreement"]),
                period=form.cleaned_data["period"],
                reference_date=form.cleaned_data["reference_date"],
            )
        except (RateError, ValueError) as exc:
            error = str(exc)
    return render(request, "billing/basis_report.html", {"form": form, "report": report, "error": error})
