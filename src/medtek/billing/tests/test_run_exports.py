"""What finance files: the invoice PDF's parties, and a billing run's invoices as a ZIP of PDFs and XLSX."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from medtek.billing import services
from medtek.billing.exports import pdf
from medtek.billing.models import BillingRun, Invoice
from medtek.core.tests.pdftext import pdf_text as _text


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_invoice_pdf_shows_seller_and_buyer_with_address_org_and_vat_number(demo):
    admin = demo["users"]["mt-admin"]
    services.fixed_run(user=admin, period="2025H2")
    invoice = Invoice.objects.get(period="2025H2", customer__short_code="BERG")
    seller = invoice.seller
    text = _text(_client(admin).get(reverse("billing:invoice_pdf", args=[invoice.pk])).content)
    digits = seller.org_number.replace("-", "")
    assert "Säljare" in text and "Köpare" in text
    assert seller.name in text and seller.street_address in text
    assert f"{seller.postal_code} {seller.city}" in text
    assert f"Org.nr {seller.org_number}" in text and f"Momsreg.nr SE{digits}01" in text
    customer_digits = invoice.customer.org_number.replace("-", "")
    assert invoice.customer.name in text and f"Momsreg.nr SE{customer_digits}01" in text


@pytest.mark.django_db
def test_finance_downloads_a_runs_invoices_as_one_zip_with_one_pdf_each(demo):
    services.fixed_run(user=demo["users"]["mt-admin"], period="2025H2")
    run = BillingRun.objects.get(period="2025H2")
    invoices = list(Invoice.objects.filter(run=run))
    response = _client(demo["users"]["finance"]).get(reverse("billing:run_invoices_zip", args=[run.pk]))
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == sorted(f"{pdf.file_stem(inv)}.pdf" for inv in invoices)
    berg = next(inv for inv in invoices if inv.customer.short_code == "BERG")
    assert berg.customer.name in _text(archive.read(f"{pdf.file_stem(berg)}.pdf"))


@pytest.mark.django_db
def test_finance_downloads_a_runs_invoices_as_one_xlsx_row_each_with_ore_exact_amounts(demo):
    admin = demo["users"]["mt-admin"]
    services.fixed_run(user=admin, period="2025H2")
    run = BillingRun.objects.get(period="2025H2")
    issued = services.invoice_issue(
        user=admin, invoice=Invoice.objects.get(run=run, customer__short_code="BERG")
    )
    response = _client(demo["users"]["finance"]).get(reverse("billing:run_invoices_xlsx", args=[run.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:4] == ("Faktura", "Typ", "Status", "Kund")
    assert len(body) == Invoice.objects.filter(run=run).count()
    by_number = {row[0]: row for row in body}
    row = by_number[issued.number]
    assert row[3] == issued.customer.name
    net, vat, total = (Decimal(str(v)).quantize(Decimal("0.01")) for v in row[-3:])
    assert (net, vat, total) == (issued.net_total, issued.vat_total, issued.gross_total)
    assert net + vat == total


@pytest.mark.django_db
def test_finance_sees_the_run_exports_on_the_invoice_list(demo):
    services.fixed_run(user=demo["users"]["mt-admin"], period="2025H2")
    run = BillingRun.objects.get(period="2025H2")
    page = _client(demo["users"]["finance"]).get(reverse("billing:invoice_list")).content.decode()
    assert "Faktureringskörningar för ekonomisystemet" in page
    assert reverse("billing:run_invoices_zip", args=[run.pk]) in page
    assert reverse("billing:run_invoices_xlsx", args=[run.pk]) in page


@pytest.mark.django_db
def test_an_auditor_may_not_export_a_run(demo):
    services.fixed_run(user=demo["users"]["mt-admin"], period="2025H2")
    run = BillingRun.objects.get(period="2025H2")
    response = _client(demo["users"]["auditor"]).get(reverse("billing:run_invoices_zip", args=[run.pk]))
    assert response.status_code == 403
