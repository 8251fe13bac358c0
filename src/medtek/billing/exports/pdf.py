"""PDF of an invoice (with its basis) and of the yearly follow-up, with fpdf2's built-in fonts."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from typing import Any

from django.utils import translation
from fpdf import FPDF

from medtek.billing.models import Invoice, InvoiceLine
from medtek.billing.rules import INVOICE_LANGUAGE, vat_number
from medtek.core.money import format_kr, format_number, format_percent
from medtek.core.units import unit_words
from medtek.organizations.models import Organisation

# The built-in fonts are Latin-1: å, ä, ö are there; typographic dashes and quotes are replaced.
REPLACE = {"–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "×": "x", "\u00a0": " "}


def _t(value: Any) -> str:
    text = str(value)
    for a, b in REPLACE.items():
        text = text.replace(a, b)
    return text.encode("latin-1", "replace").decode("latin-1")


def _quantity(quantity: Decimal, unit_code: str) -> str:
    """ "2,5 timmar", "1 st": the quantity with its decimals only as far as needed, and the unit in words."""
    exact = Decimal(quantity).normalize()
    places = max(0, -int(exact.as_tuple().exponent))
    with translation.override(INVOICE_LANGUAGE):
        return f"{format_number(exact, places=places)} {unit_words(unit_code, exact)}"


def _part(invoice: Invoice) -> str:
    with translation.override(INVOICE_LANGUAGE):
        return str(invoice.get_part_display())


def _pdf() -> FPDF:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    return pdf


def party_lines(org: Organisation) -> list[str]:
    """Name, address, organisation number and VAT number of an invoice's party, as on the Peppol XML."""
    lines = [org.name]
    if org.street_address:
        lines.append(org.street_address)
    place = " ".join(part for part in (org.postal_code, org.city) if part)
    if place:
        lines.append(place)
    if org.org_number:
        lines.append(f"Org.nr {org.org_number}")
        lines.append(f"Momsreg.nr {vat_number(org.org_number)}")
    return lines


def _parties(pdf: FPDF, invoice: Invoice) -> None:
    """Seller and buyer side by side, each with a heading and its address block."""
    width = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    top = pdf.get_y()
    bottom = top
    for column, (label, org) in enumerate((("Säljare", invoice.seller), ("Köpare", invoice.customer))):
        x = pdf.l_margin + column * width
        pdf.set_xy(x, top)
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(width, 5, _t(label), new_x="LEFT", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        for text in party_lines(org):
            pdf.multi_cell(width - 4, 5, _t(text), new_x="LEFT", new_y="NEXT")
        bottom = max(bottom, pdf.get_y())
    pdf.set_xy(pdf.l_margin, bottom + 3)


def invoice_pdf(invoice: Invoice, lines: list[InvoiceLine]) -> bytes:
    pdf = _pdf()
    credit = invoice.kind == "credit_note"
    title = "KREDITFAKTURA" if credit else "FAKTURA"
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _t(f"{title} {invoice.number or '(utkast)'}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    _parties(pdf, invoice)
    facts = [
        ("Er referens", invoice.buyer_reference),
        ("Överenskommelse", invoice.agreement.reference),
        (
            "Avser",
            f"{_part(invoice)} {invoice.period} ({invoice.period_start} - {invoice.period_end})",
        ),
        ("Fakturadatum", invoice.issue_date or "-"),
        ("Förfallodatum", invoice.due_date or "-"),
    ]
    if credit and invoice.credited_invoice:
        facts.append(("Krediterar faktura", invoice.credited_invoice.number))
    if invoice.agreement.bankgiro:
        facts.append(("Bankgiro", invoice.agreement.bankgiro))
    for label, value in facts:
        pdf.cell(40, 6, _t(label))
        pdf.cell(0, 6, _t(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 9)
    widths = [10, 110, 20, 25, 25]
    for w, head in zip(widths, ["Rad", "Beskrivning", "Antal", "A-pris", "Belopp"], strict=True):
        pdf.cell(w, 6, _t(head), border="B")
    pdf.ln()
    pdf.set_font("Helvetica", size=8)
    for line in lines:
        y = pdf.get_y()
        pdf.set_x(pdf.l_margin + widths[0])
        pdf.multi_cell(widths[1], 4, _t(line.description), new_x="RIGHT", new_y="TOP")
        height = max(pdf.get_y() - y, 4)
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(widths[0], 4, str(line.position))
        pdf.set_x(pdf.l_margin + widths[0] + widths[1])
        pdf.cell(widths[2], 4, _t(_quantity(line.quantity, line.unit_code)), align="R")
        pdf.cell(widths[3], 4, format_number(line.unit_price), align="R")
        pdf.cell(widths[4], 4, format_number(line.amount), align="R")
        pdf.set_y(y + max(height, 4) + 1)
    pdf.ln(3)
    pdf.set_font("Helvetica", size=10)
    vat_label = (
        f"Moms {format_percent(invoice.vat_rate, places=2)}"
        if invoice.vat_applies
        else f"Momsfri: {invoice.vat_exemption_reason}"
    )
    for label, value in [
        ("Netto", invoice.net_total),
        (vat_label, invoice.vat_total),
        ("Att betala", invoice.gross_total),
    ]:
        pdf.cell(150, 6, _t(label), align="R")
        pdf.cell(40, 6, format_kr(value), align="R", new_x="LMARGIN", new_y="NEXT")
    basis = invoice.basis or {}
    if basis.get("reference_date"):
        pdf.ln(3)
        pdf.set_font("Helvetica", size=8)
        pdf.multi_cell(
            0,
            4,
            _t(
                f"Underlag: {basis.get('count')} av {basis.get('total_devices')} registrerade inventarier "
                f"per {basis.get('reference_date')} ({format_percent(basis.get('share_percent') or 0)}). "
                f"Fast del totalt {format_kr(basis.get('total') or 0)}"
                + (
                    f" = {basis.get('hours')} h x {format_number(basis.get('rate') or 0)} kr/h."
                    if basis.get("hours")
                    else "."
                )
            ),
        )
    if invoice.note:
        pdf.multi_cell(0, 5, _t(invoice.note))
    return bytes(pdf.output())


def file_stem(invoice: Invoice) -> str:
    """The name an invoice's files carry: its number, or "utkast-<id>" for a draft."""
    return invoice.number or f"utkast-{invoice.pk}"


def invoices_zip(invoices: list[tuple[Invoice, list[InvoiceLine]]]) -> bytes:
    """One PDF per invoice in a ZIP; two invoices of different sellers with one number keep both."""
    out = io.BytesIO()
    names: set[str] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for invoice, lines in invoices:
            name = f"{file_stem(invoice)}.pdf"
            if name in names:
                name = f"{file_stem(invoice)}-{invoice.pk}.pdf"
            names.add(name)
            archive.writestr(name, invoice_pdf(invoice, lines))
    return out.getvalue()


def table_pdf(title: str, header: list[str], rows: list[list[Any]], subtitle: str = "") -> bytes:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 9, _t(title), new_x="LMARGIN", new_y="NEXT")
    if subtitle:
        pdf.set_font("Helvetica", size=9)
        pdf.cell(0, 6, _t(subtitle), new_x="LMARGIN", new_y="NEXT")
    width = (pdf.w - pdf.l_margin - pdf.r_margin - 50) / max(len(header) - 1, 1)
    pdf.set_font("Helvetica", "B", 8)
    for i, head in enumerate(header):
        pdf.cell(50 if i == 0 else width, 6, _t(head), border="B", align="L" if i == 0 else "R")
    pdf.ln()
    pdf.set_font("Helvetica", size=8)
    for row in rows:
        for i, value in enumerate(row):
            text = format_number(value) if isinstance(value, Decimal) else str(value)
            pdf.cell(50 if i == 0 else width, 5, _t(text), align="L" if i == 0 else "R")
        pdf.ln()
    return bytes(pdf.output())
