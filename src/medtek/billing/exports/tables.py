"""CSV and XLSX of invoices (lines with their basis) and of the yearly follow-up."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from medtek.billing.models import Invoice, InvoiceLine
from medtek.billing.rules import vat_number
from medtek.core.spreadsheets import csv_row, xlsx_row
from medtek.core.units import unit_words

# People open these in a spreadsheet: headers and codes in words, in the active language (Swedish first).
LINE_HEADER: list[Any] = [
    _("Invoice"),
    _("Kind"),
    _("Status"),
    _("Customer"),
    _("Organisation number"),
    _("Period"),
    _("Line"),
    _("Line kind"),
    _("Description"),
    _("Quantity"),
    _("Unit"),
    _("Unit price"),
    _("Amount"),
    _("Work order"),
    _("Work date"),
]


def line_rows(invoice: Invoice, lines: Sequence[InvoiceLine]) -> list[list[Any]]:
    return [
        [
            invoice.number or f"UTKAST-{invoice.pk}",
            invoice.get_kind_display(),
            invoice.get_status_display(),
            invoice.customer.name,
            invoice.customer.org_number,
            invoice.period,
            line.position,
            line.get_kind_display(),
            line.description,
            line.quantity,
            unit_words(line.unit_code, line.quantity),
            line.unit_price,
            line.amount,
            line.work_order.number if line.work_order_id and line.work_order else "",
            line.work_date.isoformat() if line.work_date else "",
        ]
        for line in lines
    ]


# One row per invoice of a billing run, for the ERP: who, what, when and the three amounts.
INVOICE_HEADER: list[Any] = [
    _("Invoice"),
    _("Kind"),
    _("Status"),
    _("Customer"),
    _("Organisation number"),
    _("VAT number"),
    _("Buyer reference"),
    _("Agreement"),
    _("Part"),
    _("Period"),
    _("Issue date"),
    _("Due date"),
    _("Net"),
    _("VAT"),
    _("Total"),
]


def invoice_rows(invoices: Sequence[Invoice]) -> list[list[Any]]:
    return [
        [
            invoice.number or f"UTKAST-{invoice.pk}",
            invoice.get_kind_display(),
            invoice.get_status_display(),
            invoice.customer.name,
            invoice.customer.org_number,
            vat_number(invoice.customer.org_number),
            invoice.buyer_reference,
            invoice.agreement.reference,
            invoice.get_part_display(),
            invoice.period,
            invoice.issue_date.isoformat() if invoice.issue_date else "",
            invoice.due_date.isoformat() if invoice.due_date else "",
            invoice.net_total,
            invoice.vat_total,
            invoice.gross_total,
        ]
        for invoice in invoices
    ]


def _cell(value: Any) -> Any:
    # A decimal comma, no thousands separator: what a Swedish spreadsheet reads as a number.
    return str(value).replace(".", ",") if isinstance(value, Decimal) else value


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """Text that could start a formula is neutralised before amounts become text, so -5,00 stays -5,00."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([str(h) for h in header])
    for row in rows:
        writer.writerow([_cell(v) for v in csv_row(row)])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]) -> bytes:
    """Decimal amounts are written as numbers with two decimals shown (the stored value is exact)."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, header, rows in sheets:
        ws = wb.create_sheet(title[:31])
        ws.append([str(h) for h in header])
        for row in rows:
            ws.append(xlsx_row(ws, row))
        for col in ws.iter_cols(min_row=2):
            for cell in col:
                if isinstance(cell.value, Decimal):
                    cell.number_format = "#,##0.00"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


FOLLOWUP_HEADER: list[Any] = [
    _("Customer"),
    _("Devices"),
    _("PM done"),
    _("PM on time"),
    _("CM work orders"),
    _("Hours"),
    _("Billable hours"),
    _("Travel"),
    _("Materials"),
    _("Fixed part"),
    _("Variable part"),
]


def followup_rows(report: dict[str, Any]) -> list[list[Any]]:

    mapped = [
        "devices",
        "pm_done",
        "pm_on_time",
        "cm",
        "hours",
        "billable_hours",
        "travel",
        "materials",
        "fixed",
        "variable",
    ]
    rows = [[r["customer"].name, *[r[k] for k in mapped]] for r in report["rows"]]
    rows.append([str(_("Total")), *[report["totals"][k] for k in mapped]])
    return rows
