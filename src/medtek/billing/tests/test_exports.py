"""Invoice and follow-up tables (CSV/XLSX) carry data, never formulas; amounts stay numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from medtek.billing.exports import tables

LINE = [
    "2026-0001",
    "credit",
    "issued",
    '=HYPERLINK("http://x","Bergs kommun")',
    "212000-0001",
    "2026-03",
    1,
    "hours",
    "@SUM(A1:A9)",
    Decimal("-2.50"),
    "HUR",
    Decimal("1123.00"),
    Decimal("-2807.50"),
    "AU-000001",
    "2026-03-02",
]


def test_csv_writes_formula_like_text_as_text_and_negative_amounts_as_amounts() -> None:
    body = tables.to_csv(tables.LINE_HEADER, [LINE]).decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(body), delimiter=";"))[1]
    assert row[3] == '\'=HYPERLINK("http://x","Bergs kommun")'
    assert row[8] == "'@SUM(A1:A9)"
    assert (row[9], row[12]) == ("-2,50", "-2807,50")


def test_xlsx_writes_formula_like_text_as_text_cells_and_amounts_as_numbers() -> None:
    sheet = load_workbook(io.BytesIO(tables.to_xlsx([("2026-0001", tables.LINE_HEADER, [LINE])])))[
        "2026-0001"
    ]
    customer, description, amount = sheet["D2"], sheet["I2"], sheet["M2"]
    assert (customer.data_type, customer.value) == ("s", '=HYPERLINK("http://x","Bergs kommun")')
    assert (description.data_type, description.value) == ("s", "@SUM(A1:A9)")
    assert (amount.data_type, amount.value, amount.number_format) == ("n", -2807.5, "#,##0.00")
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
