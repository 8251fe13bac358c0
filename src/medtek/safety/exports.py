"""A notice's report — what was done to each device — as PDF (fpdf2) and XLSX (openpyxl).

Text cells of the XLSX are always written as text: a serial number or a reason that starts with
= + - @ is shown as written and never runs as a formula.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from medtek.safety import rules
from medtek.safety.models import SafetyNotice

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

COLUMNS = [
    ("customer", _l("Customer")),
    ("asset_number", _l("Asset number")),
    ("model", _l("Model")),
    ("serial_number", _l("Serial number")),
    ("lot", _l("Lot")),
    ("finding", _l("Outcome")),
    ("reason", _l("Reason")),
    ("checked", _l("Checked")),
    ("work_order", _l("Work order")),
    ("work_status", _l("Work status")),
    ("work_done", _l("Done")),
    ("blocked", _l("Blocked")),
    ("acknowledged", _l("Acknowledged")),
]
PDF_WIDTHS = [34.0, 22.0, 34.0, 24.0, 16.0, 32.0, 30.0, 17.0, 22.0, 17.0, 17.0, 17.0, 17.0]


def _headers() -> list[str]:
    return [str(label) for _key, label in COLUMNS]


def _facts(notice: SafetyNotice, progress: rules.Progress) -> list[tuple[str, str]]:
    return [
        (str(_("Manufacturer")), notice.manufacturer.name),
        (str(_("Reference")), notice.reference),
        (str(_("Title")), notice.title),
        (str(_("Date of the notice")), notice.issued_on.isoformat()),
        (str(_("What to do")), str(notice.get_action_display())),
        (str(_("Urgency")), str(notice.get_urgency_display())),
        (str(_("Status")), str(notice.get_status_display())),
        (str(_("Devices found")), str(progress.found)),
        (str(_("Checked")), str(progress.checked)),
        (str(_("Affected")), str(progress.affected)),
        (str(_("Corrected")), str(progress.corrected)),
        (str(_("Customers acknowledged")), f"{progress.acknowledged} / {progress.customers}"),
    ]


class _Pdf(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.set_auto_page_break(auto=True, margin=12)
        self.unicode = DEJAVU.exists()
        if self.unicode:
            self.add_font("DejaVu", "", str(DEJAVU))
        self.font_name_ = "DejaVu" if self.unicode else "Helvetica"
        self.add_page()

    def safe(self, value: Any) -> str:
        text = "" if value is None else str(value)
        return text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")


def report_pdf(notice: SafetyNotice, progress: rules.Progress, rows: list[dict[str, Any]]) -> bytes:
    pdf = _Pdf()
    pdf.set_font(pdf.font_name_, size=14)
    pdf.cell(
        0,
        9,
        pdf.safe(_("Field safety notice %(ref)s — report") % {"ref": notice.reference}),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font(pdf.font_name_, size=9)
    for label, value in _facts(notice, progress):
        pdf.multi_cell(0, 5, pdf.safe(f"{label}: {value}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(pdf.font_name_, size=6.5)
    pdf.set_fill_color(232, 237, 245)
    for header, width in zip(_headers(), PDF_WIDTHS, strict=True):
        pdf.cell(width, 5, pdf.safe(header), border=1, fill=True)
    pdf.ln()
    for row in rows:
        for (key, _label), width in zip(COLUMNS, PDF_WIDTHS, strict=True):
            pdf.cell(width, 5, pdf.safe(row[key])[: int(width / 1.3)], border=1)
        pdf.ln()
    pdf.ln(2)
    pdf.set_font(pdf.font_name_, size=9)
    pdf.cell(0, 5, pdf.safe(_("%(n)s devices.") % {"n": len(rows)}), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _text_cell(ws: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
    """A cell whose text is text: never a formula, whatever it starts with."""
    cell = WriteOnlyCell(ws, value=None)
    if value is None or value == "":
        return cell
    cell.value = str(value)
    cell.data_type = "s"
    return cell


def report_xlsx(notice: SafetyNotice, progress: rules.Progress, rows: list[dict[str, Any]]) -> bytes:
    wb = Workbook(write_only=True)
    summary = wb.create_sheet(str(_("Notice")))
    for label, value in _facts(notice, progress):
        summary.append([_text_cell(summary, label), _text_cell(summary, value)])
    devices = wb.create_sheet(str(_("Devices")))
    devices.append([_text_cell(devices, h) for h in _headers()])
    for row in rows:
        devices.append([_text_cell(devices, row[key]) for key, _label in COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
