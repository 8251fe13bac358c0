"""Device labels: a QR code (segno) that opens the device, with asset number, name and owner, as PDF for
label printers (one label per page, 62 × 29 mm or 50 × 25 mm) and A4 sheets of 3 × 8 labels."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import segno
from django.conf import settings
from django.urls import reverse
from fpdf import FPDF

from medtek.documents.choices import LabelFormat

REPLACE = {"–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "×": "x", "\u00a0": " "}


def _t(value: Any) -> str:
    """Text for the PDF's built-in (Latin-1) fonts: å, ä, ö are there; other signs are replaced."""
    text = str(value)
    for a, b in REPLACE.items():
        text = text.replace(a, b)
    return text.encode("latin-1", "replace").decode("latin-1")


@dataclass(frozen=True)
class Label:
    asset_number: str
    name: str
    owner: str
    url: str


def label_path(asset_number: str) -> str:
    return reverse("documents:scan_label", kwargs={"asset": quote(asset_number, safe="")})


def label_url(asset_number: str) -> str:
    """What the QR code holds: the label's address, which opens the device (or the fault report)."""
    return settings.MEDTEK_BASE_URL.rstrip("/") + label_path(asset_number)


def label_of(device: Any) -> Label:
    return Label(
        asset_number=device.asset_number,
        name=f"{device.model.manufacturer.name} {device.model.name}",
        owner=device.owner.name,
        url=label_url(device.asset_number),
    )


def qr_svg(url: str) -> bytes:
    out = io.BytesIO()
    segno.make_qr(url, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False)
    return out.getvalue()


def qr_png(url: str, scale: int = 6) -> bytes:
    out = io.BytesIO()
    segno.make_qr(url, error="m").save(out, kind="png", scale=scale, border=1)
    return out.getvalue()


@dataclass(frozen=True)
class Layout:
    page: tuple[float, float]
    cell: tuple[float, float]
    columns: int
    rows: int
    margin: tuple[float, float]
    qr: float
    title_pt: float
    text_pt: float


LAYOUTS = {
    LabelFormat.LABEL_62X29: Layout((62, 29), (62, 29), 1, 1, (0, 0), 25, 11, 7),
    LabelFormat.LABEL_50X25: Layout((50, 25), (50, 25), 1, 1, (0, 0), 21, 9, 6),
    LabelFormat.A4: Layout((210, 297), (70, 37), 3, 8, (0, 0.5), 31, 11, 7.5),
}


def labels_pdf(labels: Iterable[Label], label_format: str) -> bytes:
    """One PDF of the labels, in the layout of `label_format`."""
    layout = LAYOUTS[LabelFormat(label_format)]
    # fpdf2 takes the format as (width, height) in portrait; a label is wider than it is high.
    pdf = FPDF(orientation="P", unit="mm", format=layout.page)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title("medtek labels")
    per_page = layout.columns * layout.rows
    for index, label in enumerate(labels):
        slot = index % per_page
        if slot == 0:
            pdf.add_page()
        col, row = slot % layout.columns, slot // layout.columns
        x = layout.margin[0] + col * layout.cell[0]
        y = layout.margin[1] + row * layout.cell[1]
        _draw(pdf, label, layout, x, y)
    if pdf.page == 0:
        pdf.add_page()
    return bytes(pdf.output())


def _draw(pdf: FPDF, label: Label, layout: Layout, x: float, y: float) -> None:
    pad = 2.0
    qr_size = min(layout.qr, layout.cell[1] - 2 * pad)
    pdf.image(
        io.BytesIO(qr_png(label.url)), x=x + pad, y=y + (layout.cell[1] - qr_size) / 2, w=qr_size, h=qr_size
    )
    text_x = x + pad + qr_size + 1.5
    width = layout.cell[0] - (text_x - x) - pad
    pdf.set_xy(text_x, y + pad + 1)
    pdf.set_font("Helvetica", "B", layout.title_pt)
    pdf.cell(width, layout.title_pt * 0.45, _t(label.asset_number), new_x="LEFT", new_y="NEXT")
    pdf.set_font("Helvetica", size=layout.text_pt)
    line = layout.text_pt * 0.42
    pdf.set_x(text_x)
    pdf.multi_cell(width, line, _t(label.name), max_line_height=line, new_x="LEFT", new_y="NEXT")
    pdf.set_x(text_x)
    pdf.multi_cell(width, line, _t(label.owner), max_line_height=line, new_x="LEFT", new_y="NEXT")
