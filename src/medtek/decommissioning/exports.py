"""The donation manifest and the donation report as PDF (fpdf2) and XLSX (openpyxl)."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Font

from medtek.core.money import format_number
from medtek.core.spreadsheets import xlsx_row
from medtek.decommissioning.models import DonationShipment

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

MANIFEST_COLUMNS = [
    ("asset_number", "Asset number"),
    ("model", "Model"),
    ("serial_number", "Serial number"),
    ("lot_number", "Lot"),
    ("quantity", "Quantity"),
    ("condition", "Condition"),
    ("accessories", "Accessories"),
    ("manuals", "Manuals"),
    ("functional_test", "Functional test done"),
]


class _Pdf(FPDF):
    """A4 landscape; DejaVu when the machine has it (any script), else the core font with Latin-1."""

    def __init__(self) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.set_auto_page_break(auto=True, margin=12)
        self.unicode = DEJAVU.exists()
        if self.unicode:
            self.add_font("DejaVu", "", str(DEJAVU))
            self.font_name_ = "DejaVu"
        else:
            self.font_name_ = "Helvetica"
        self.add_page()

    def text_safe(self, value: Any) -> str:
        text = "" if value is None else str(value)
        return text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")

    def heading(self, text: str) -> None:
        self.set_font(self.font_name_, size=15)
        self.cell(0, 9, self.text_safe(text), new_x="LMARGIN", new_y="NEXT")

    def line_text(self, text: str, size: int = 10) -> None:
        self.set_font(self.font_name_, size=size)
        self.multi_cell(0, 5.5, self.text_safe(text), new_x="LMARGIN", new_y="NEXT")

    def grid(self, headers: list[str], rows: list[list[Any]], widths: list[float]) -> None:
        """A table whose cells wrap their text (nothing is cut); the header repeats on a new page."""
        self.set_font(self.font_name_, size=8)
        heading = FontFace(emphasis="", fill_color=(232, 237, 245))
        with self.table(
            col_widths=widths,
            width=sum(widths),
            align="LEFT",
            line_height=4.2,
            headings_style=heading,
            text_align="LEFT",
            padding=(0.8, 1),
        ) as table:
            head = table.row()
            for header in headers:
                head.cell(self.text_safe(header))
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(self.text_safe(value))

    def bytes(self) -> bytes:
        return bytes(self.output())


def _money(value: Decimal | None) -> str:
    return "" if value is None else format_number(value)


def manifest_pdf(shipment: DonationShipment, rows: list[dict[str, Any]]) -> bytes:
    agreement = shipment.aid_agreement
    pdf = _Pdf()
    pdf.heading(_("Donation manifest — shipment %(id)s") % {"id": shipment.pk})
    pdf.line_text(
        _("Donor: %(donor)s · Recipient: %(aid)s · Agreement: %(ref)s")
        % {"donor": shipment.organisation, "aid": agreement.aid_organisation, "ref": agreement.reference}
    )
    pdf.line_text(
        _("Shipment date: %(date)s · Handed over: %(handed)s · Contact: %(contact)s")
        % {
            "date": shipment.shipment_date.isoformat(),
            "handed": shipment.handed_over_on.isoformat() if shipment.handed_over_on else "—",
            "contact": agreement.contact.get_full_name() if agreement.contact else "—",
        }
    )
    pdf.ln(3)
    # A sterile lot's expiry date stands beside its lot number.
    columns = [*MANIFEST_COLUMNS[:4], ("expiry_date", "Expiry date"), *MANIFEST_COLUMNS[4:]]
    headers = [str(_(label)) for _key, label in columns]
    widths = [29.0, 40.0, 27.0, 24.0, 23.0, 12.0, 36.0, 40.0, 18.0, 24.0]
    pdf.grid(headers, [[row[key] for key, _label in columns] for row in rows], widths)
    pdf.ln(3)
    pdf.line_text(_("%(n)s items.") % {"n": len(rows)})
    if shipment.follow_up:
        pdf.line_text(_("Follow-up from the aid organisation: %(text)s") % {"text": shipment.follow_up})
    return pdf.bytes()


def _workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def manifest_xlsx(shipment: DonationShipment, rows: list[dict[str, Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = str(_("Manifest"))
    agreement = shipment.aid_agreement
    ws.append(xlsx_row(ws, [str(_("Shipment")), shipment.pk]))
    ws.append(xlsx_row(ws, [str(_("Donor")), str(shipment.organisation)]))
    ws.append(xlsx_row(ws, [str(_("Recipient")), str(agreement.aid_organisation)]))
    ws.append(xlsx_row(ws, [pgettext("aid agreement", "Agreement"), agreement.reference]))
    ws.append(xlsx_row(ws, [str(_("Shipment date")), shipment.shipment_date]))
    ws.append(xlsx_row(ws, [str(_("Handed over")), shipment.handed_over_on]))
    ws.append(xlsx_row(ws, []))
    ws.append(xlsx_row(ws, [str(_(label)) for _key, label in MANIFEST_COLUMNS] + [str(_("Expiry date"))]))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(xlsx_row(ws, [row[key] for key, _label in MANIFEST_COLUMNS] + [row["expiry_date"]]))
    return _workbook_bytes(wb)


def report_pdf(report: dict[str, Any]) -> bytes:
    pdf = _Pdf()
    pdf.heading(
        _("Donations %(from)s – %(to)s")
        % {"from": report["date_from"].isoformat(), "to": report["date_to"].isoformat()}
    )
    pdf.line_text(
        _("%(count)s items (%(units)s units), estimated value %(value)s kr.")
        % {"count": report["count"], "units": report["units"], "value": _money(report["estimated_value"])}
    )
    pdf.ln(2)
    pdf.line_text(str(_("Kinds")), size=12)
    pdf.grid(
        [str(_("Category")), str(_("Items")), str(_("Units")), str(_("Estimated value (SEK)"))],
        [[k["category"], k["items"], k["units"], _money(k["value"])] for k in report["kinds"]],
        [80.0, 25.0, 25.0, 45.0],
    )
    pdf.ln(2)
    pdf.line_text(str(_("Recipients")), size=12)
    pdf.grid(
        [
            str(_("Aid organisation")),
            pgettext("aid agreement", "Agreement"),
            str(_("Items")),
            str(_("Estimated value (SEK)")),
        ],
        [[r["name"], r["agreement"], r["items"], _money(r["value"])] for r in report["recipients"]],
        [80.0, 35.0, 25.0, 45.0],
    )
    pdf.ln(2)
    pdf.line_text(str(_("Shipments")), size=12)
    pdf.grid(
        [
            str(_("Shipment")),
            str(_("Handed over")),
            str(_("Aid organisation")),
            str(_("Items")),
            str(_("Follow-up")),
        ],
        [
            [s.pk, s.handed_over_on, s.aid_agreement.aid_organisation, s.item_count, s.follow_up or "—"]
            for s in report["shipments"]
        ],
        [25.0, 30.0, 60.0, 20.0, 130.0],
    )
    return pdf.bytes()


def report_xlsx(report: dict[str, Any]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = str(_("Donations"))
    ws.append(xlsx_row(ws, [str(_("Period")), report["date_from"], report["date_to"]]))
    ws.append(xlsx_row(ws, [str(_("Items")), report["count"]]))
    ws.append(xlsx_row(ws, [str(_("Units")), report["units"]]))
    ws.append(xlsx_row(ws, [str(_("Estimated value (SEK)")), report["estimated_value"]]))
    ws.append(xlsx_row(ws, []))
    ws.append(
        xlsx_row(ws, [str(_("Category")), str(_("Items")), str(_("Units")), str(_("Estimated value (SEK)"))])
    )
    for k in report["kinds"]:
        ws.append(xlsx_row(ws, [k["category"], k["items"], k["units"], k["value"]]))
    ws.append(xlsx_row(ws, []))
    ws.append(
        xlsx_row(
            ws,
            [
                str(_("Aid organisation")),
                pgettext("aid agreement", "Agreement"),
                str(_("Items")),
                str(_("Estimated value (SEK)")),
            ],
        )
    )
    for r in report["recipients"]:
        ws.append(xlsx_row(ws, [r["name"], r["agreement"], r["items"], r["value"]]))
    shipments = wb.create_sheet(str(_("Shipments")))
    shipments.append(
        xlsx_row(
            shipments,
            [
                str(_("Shipment")),
                str(_("Handed over")),
                str(_("Aid organisation")),
                str(_("Items")),
                str(_("Follow-up")),
            ],
        )
    )
    for s in report["shipments"]:
        shipments.append(
            xlsx_row(
                shipments,
                [s.pk, s.handed_over_on, str(s.aid_agreement.aid_organisation), s.item_count, s.follow_up],
            )
        )
    return _workbook_bytes(wb)
