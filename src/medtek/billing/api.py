"""API: billing runs, invoices (issue, credit, exports) and the fixed part's basis."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from medtek.agreements.rules import RateError
from medtek.billing import selectors, services
from medtek.billing.models import Invoice
from medtek.billing.schemas import (
    BasisOut,
    BasisQuery,
    CreditIn,
    InvoiceDetailOut,
    InvoicePage,
    InvoiceQuery,
    IssueIn,
    RunIn,
    RunOut,
    RunPage,
)
from medtek.core.api import ErrorOut, PageQuery, page_body
from medtek.core.downloads import download
from medtek.core.pagination import keyset_page
from medtek.organizations.rules import Cap

router = Router(tags=["billing"])


@router.get("/invoices", response={200: InvoicePage, 422: ErrorOut})
def invoice_list(request: HttpRequest, query: Query[InvoiceQuery]) -> Any:
    qs = selectors.invoice_filtered(
        user=request.user, period=query.period, status=query.status, part=query.part, customer=query.customer
    )
    return page_body(keyset_page(qs, order=["-period_start", "-id"], cursor=query.cursor, limit=query.limit))


def _detail(invoice: Invoice) -> Invoice:
    return invoice


@router.get("/invoices/{invoice_id}", response={200: InvoiceDetailOut, 404: ErrorOut})
def invoice_detail(request: HttpRequest, invoice_id: int) -> Any:
    return _detail(selectors.invoice_get(user=request.user, pk=invoice_id))


@router.post(
    "/invoices/{invoice_id}/issue",
    response={200: InvoiceDetailOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def invoice_issue(request: HttpRequest, invoice_id: int, payload: IssueIn) -> Any:
    invoice = selectors.invoice_get(user=request.user, pk=invoice_id, capability=Cap.BILLING_MANAGE)
    services.invoice_issue(user=request.user, invoice=invoice, issue_date=payload.issue_date)
    return _detail(selectors.invoice_get(user=request.user, pk=invoice_id))


@router.post(
    "/invoices/{invoice_id}/credit",
    response={201: InvoiceDetailOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def invoice_credit(request: HttpRequest, invoice_id: int, payload: CreditIn) -> Any:
    invoice = selectors.invoice_get(user=request.user, pk=invoice_id, capability=Cap.BILLING_MANAGE)
    note = services.invoice_credit(user=request.user, invoice=invoice, reason=payload.reason)
    return 201, _detail(selectors.invoice_get(user=request.user, pk=note.pk))


def export_invoice(invoice: Invoice, fmt: str) -> HttpResponse:
    from medtek.billing.exports import pdf, peppol, tables

    lines = selectors.invoice_lines(invoice=invoice)
    stem = invoice.number or f"utkast-{invoice.pk}"
    if fmt == "xml":
        return download(peppol.invoice_xml(invoice, lines), f"{stem}.xml")
    if fmt == "pdf":
        return download(pdf.invoice_pdf(invoice, lines), f"{stem}.pdf")
    rows = tables.line_rows(invoice, lines)
    if fmt == "csv":
        return download(tables.to_csv(tables.LINE_HEADER, rows), f"{stem}.csv")
    return download(tables.to_xlsx([(stem, tables.LINE_HEADER, rows)]), f"{stem}.xlsx")


@router.get("/invoices/{invoice_id}/peppol.xml", response={200: None, 404: ErrorOut})
def invoice_peppol(request: HttpRequest, invoice_id: int) -> Any:
    return export_invoice(selectors.invoice_get(user=request.user, pk=invoice_id), "xml")


@router.get("/invoices/{invoice_id}/invoice.pdf", response={200: None, 404: ErrorOut})
def invoice_pdf(request: HttpRequest, invoice_id: int) -> Any:
    return export_invoice(selectors.invoice_get(user=request.user, pk=invoice_id), "pdf")


@router.get("/invoices/{invoice_id}/lines.csv", response={200: None, 404: ErrorOut})
def invoice_csv(request: HttpRequest, invoice_id: int) -> Any:
    return export_invoice(selectors.invoice_get(user=request.user, pk=invoice_id), "csv")


@router.get("/invoices/{invoice_id}/lines.xlsx", response={200: None, 404: ErrorOut})
def invoice_xlsx(request: HttpRequest, invoice_id: int) -> Any:
    return export_invoice(selectors.invoice_get(user=request.user, pk=invoice_id), "xlsx")


@router.get("/runs", response={200: RunPage, 422: ErrorOut})
def run_list(request: HttpRequest, query: Query[PageQuery]) -> Any:
    return page_body(
        keyset_page(
            selectors.run_list(user=request.user), order=["-run_at"], cursor=query.cursor, limit=query.limit
        )
    )


@router.post("/runs", response={200: RunOut, 403: ErrorOut, 422: ErrorOut})
def run_start(request: HttpRequest, payload: RunIn) -> Any:
    if payload.part == "fixed":
        result = services.fixed_run(
            user=request.user,
            period=payload.period,
            agreement=payload.agreement_id,
            reference_date=payload.reference_date,
        )
    elif payload.part == "variable":
        result = services.variable_run(
            user=request.user, period=payload.period, agreement=payload.agreement_id
        )
    else:
        raise ValidationError({"part": "A billing run is for the fixed or the variable part."})
    return {
        "part": result.part,
        "period": result.period,
        "run_id": result.run.pk if result.run else None,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }


@router.get("/basis", response={200: BasisOut, 404: ErrorOut, 422: ErrorOut})
def basis(request: HttpRequest, query: Query[BasisQuery]) -> Any:
    try:
        b = selectors.basis_report(
            user=request.user,
            agreement_id=query.agreement_id,
            period=query.period,
            reference_date=query.reference_date,
        )
    except (RateError, ValueError) as exc:
        raise ValidationError({"period": str(exc)}) from exc
    return {
        "agreement_id": b.agreement.pk,
        "period": b.period.label,
        "reference_date": b.reference_date,
        "devices": b.total_devices,
        "hours": b.total.hours,
        "rate": b.total.rate,
        "total": b.total.total,
        "rows": [
            {
                "customer_id": r.customer.pk,
                "customer": r.customer.name,
                "count": r.count,
                "share": r.share,
                "amount": r.amount,
            }
            for r in b.rows
        ],
    }
