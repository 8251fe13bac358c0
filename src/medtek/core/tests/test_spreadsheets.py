"""Cells leave medtek as data: text that a spreadsheet program would run as a formula goes out as text."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from medtek.core.spreadsheets import csv_row, csv_text, unquote_csv_text, xlsx_row

FORMULAS = ['=HYPERLINK("http://x","klicka")', "+46701234567", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_text_that_could_start_a_formula_gets_an_apostrophe(text: str) -> None:
    assert csv_text(text) == "'" + text


def test_csv_row_leaves_plain_text_numbers_and_negative_amounts_alone() -> None:
    assert csv_row(["AVD1", -5, Decimal("-12.50"), None, "=1+1"]) == [
        "AVD1",
        -5,
        Decimal("-12.50"),
        None,
        "'=1+1",
    ]


@pytest.mark.parametrize("text", [*FORMULAS, "'plain", "'", "ok"])
def test_an_exported_csv_cell_reads_back_as_it_was(text: str) -> None:
    assert unquote_csv_text(csv_text(text)) == text


def _reloaded(write_only: bool, values: list[object]) -> list[tuple[object, str]]:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("x")
    sheet.append(xlsx_row(sheet, values))
    out = io.BytesIO()
    book.save(out)
    return [(c.value, c.data_type) for c in load_workbook(io.BytesIO(out.getvalue()))["x"][1]]


@pytest.mark.parametrize("write_only", [False, True])
def test_xlsx_formula_like_text_is_a_text_cell_with_its_value_unchanged(write_only: bool) -> None:
    cells = _reloaded(write_only, ['=HYPERLINK("http://x","klicka")', -5, "plain", "-3", 2.5])
    assert cells == [
        ('=HYPERLINK("http://x","klicka")', "s"),
        (-5, "n"),
        ("plain", "s"),
        ("-3", "s"),
        (2.5, "n"),
    ]


def test_xlsx_row_without_formula_like_text_is_passed_as_it_is() -> None:
    sheet = Workbook().active
    assert xlsx_row(sheet, ["a", 1, None]) == ["a", 1, None]
