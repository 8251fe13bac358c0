"""The donation manifest and report (XLSX) carry data, never formulas: a lot number a unit typed is text."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.utils import translation
from openpyxl import load_workbook

from medtek.decommissioning import exports


def _formulas(body: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(body))
    return [c.coordinate for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]


def _shipment() -> Any:
    agreement = SimpleNamespace(aid_organisation="Human Bridge", reference="=RS130364", contact=None)
    return SimpleNamespace(
        pk=7,
        organisation="Region Halland",
        aid_agreement=agreement,
        shipment_date=dt.date(2026, 3, 1),
        handed_over_on=None,
        follow_up="",
    )


def test_manifest_xlsx_writes_a_typed_lot_number_as_text() -> None:
    row = {
        "asset_number": "MT-1",
        "model": "Infusomat Space",
        "serial_number": "SN1",
        "lot_number": '=HYPERLINK("http://x","LOT")',
        "quantity": 2,
        "condition": "-god-",
        "accessories": "+nätsladd",
        "manuals": "ja",
        "functional_test": "ja",
        "expiry_date": dt.date(2027, 1, 31),
    }
    body = exports.manifest_xlsx(_shipment(), [row])
    assert _formulas(body) == []
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    assert (sheet["D9"].value, sheet["D9"].data_type) == ('=HYPERLINK("http://x","LOT")', "s")
    assert (sheet["E9"].value, sheet["E9"].data_type) == (2, "n")
    assert (sheet["B4"].value, sheet["B4"].data_type) == ("=RS130364", "s")


def test_donation_report_xlsx_keeps_values_as_numbers_and_text_as_text() -> None:
    shipment = SimpleNamespace(
        pk=3,
        handed_over_on=dt.date(2026, 3, 2),
        aid_agreement=_shipment().aid_agreement,
        item_count=1,
        follow_up="=1+1",
    )
    report = {
        "date_from": dt.date(2026, 1, 1),
        "date_to": dt.date(2026, 12, 31),
        "count": 1,
        "units": 2,
        "estimated_value": Decimal("-10.00"),
        "kinds": [{"category": "@infusion", "items": 1, "units": 2, "value": Decimal("100.00")}],
        "recipients": [
            {"name": "Human Bridge", "agreement": "RS130364", "items": 1, "value": Decimal("100.00")}
        ],
        "shipments": [shipment],
    }
    body = exports.report_xlsx(report)
    assert _formulas(body) == []
    book = load_workbook(io.BytesIO(body))
    assert (book.worksheets[0]["B4"].value, book.worksheets[0]["B4"].data_type) == (-10, "n")
    assert book.worksheets[1]["E2"].value == "=1+1"


def test_the_manifest_pdf_shows_a_sterile_lots_expiry_date_and_cuts_no_text(monkeypatch: Any) -> None:
    from medtek.core.tests.pdftext import pdf_text

    monkeypatch.setattr(exports, "DEJAVU", exports.Path("/nonexistent.ttf"))  # a core font: readable text
    row = {
        "asset_number": "",
        "model": "Kompresser, sterila",
        "serial_number": "",
        "lot_number": "LOT-2291-A",
        "expiry_date": "2027-01-31",
        "quantity": 40,
        "condition": "Oöppnade förpackningar i originalkartong",
        "accessories": "Inga tillbehör; förpackningarna är hela och märkta med lot och utgångsdatum",
        "manuals": "nej",
        "functional_test": "nej",
    }
    with translation.override("sv"):
        text = pdf_text(exports.manifest_pdf(_shipment(), [row]))
    assert "Utgångsdatum" in text and "2027-01-31" in text
    assert "LOT-2291-A" in text
    # A long cell wraps onto more lines instead of being cut: every word is on the page.
    for word in row["accessories"].split() + row["condition"].split():
        assert word.strip(";") in text
