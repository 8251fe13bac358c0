"""Cells that leave medtek in a CSV or XLSX file carry data, never formulas.

A spreadsheet program runs a cell that starts with `=`, `+`, `-` or `@` (and, after a tab or a carriage
return, what follows) as a formula: an imported `=HYPERLINK(…)` in a device field or a lot number a
unit typed would become live in the export. Every writer passes its rows through one of these:

- `csv_row(values)`: text that could start a formula gets a leading apostrophe (`'=1+1`), the mark
  spreadsheet programs show as "this is text"; the device import takes the apostrophe off again, so an
  exported file re-imports unchanged.
- `xlsx_row(sheet, values)`: such text becomes a cell of type text with Excel's "quote prefix" style,
  so the value is unchanged and shown, never evaluated.

Only text is touched: numbers, amounts and dates stay cells of their own type, negative ones included.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def is_formula_like(value: object) -> bool:
    """Whether a spreadsheet program could read this value as a formula (only text can be)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_text(value: str) -> str:
    """`value` as a CSV cell that a spreadsheet program shows as text."""
    return QUOTE + value if value.startswith(FORMULA_STARTS) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A row for `csv.writer` with every text cell that could start a formula neutralised."""
    return [QUOTE + v if v.__class__ is str and v.startswith(FORMULA_STARTS) else v for v in values]


def unquote_csv_text(value: str) -> str:
    """A cell as it was before `csv_text` (for reading an exported file back in)."""
    if value.startswith(QUOTE) and value[1:2] and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row for `sheet.append` (normal or write-only openpyxl sheet) whose text is never a formula."""
    row = list(values)
    if not any(v.__class__ is str and v.startswith(FORMULA_STARTS) for v in row):
        return row
    from openpyxl.cell.cell import WriteOnlyCell

    # Once a row holds a Cell, openpyxl's write-only sheet reuses it for the values after it, style
    # included; so the whole row goes as cells of its own.
    cells: list[Any] = []
    for value in row:
        if value is None:
            cells.append(None)
            continue
        cell = WriteOnlyCell(sheet, value=value)
        if is_formula_like(value):
            cell.data_type = "s"
            cell.quotePrefix = True
        cells.append(cell)
    return cells
