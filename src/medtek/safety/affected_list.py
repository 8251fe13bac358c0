"""A manufacturer's list of affected devices (CSV or XLSX of serial numbers or UDI strings), checked
row by row against the register before anything is written."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from medtek.inventory.udi import BarcodeError, parse_udi
from medtek.safety import rules
from medtek.safety.models import SafetyNotice

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
SHOWN_PROBLEMS = 50
HEADINGS = {"serial", "serial number", "serial_number", "serienummer", "udi", "sn", "serienr"}
CHUNK = 5000


def read_values(data: bytes, filename: str) -> list[tuple[int, str]]:
    """The first column of the file's rows as (row number, text), empty rows and a heading left out."""
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 5 MB.")})
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    elif name.endswith((".csv", ".txt")):
        rows = _csv_rows(data)
    else:
        raise ValidationError({"file": _("Give the list as a .csv or .xlsx file.")})
    out: list[tuple[int, str]] = []
    for number, value in rows:
        text = value.strip()
        if not text or (not out and text.lower() in HEADINGS):
            continue
        out.append((number, text))
        if len(out) > MAX_ROWS:
            raise ValidationError({"file": _("The list has more than 50,000 rows.")})
    if not out:
        raise ValidationError({"file": _("The file lists no serial numbers or UDIs.")})
    return out


def _csv_rows(data: bytes) -> list[tuple[int, str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise ValidationError({"file": _("The file is not a text (CSV) file.")})
    delimiter = ";" if text.count(";") >= text.count(",") else ","
    return [
        (i, row[0] if row else "")
        for i, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1)
    ]


def _xlsx_rows(data: bytes) -> list[tuple[int, str]]:
    from python_calamine import CalamineWorkbook

    out: list[tuple[int, str]] = []
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        # Row by row, and no further than a list may be long: a small file can unpack to a huge sheet.
        for i, row in enumerate(book.get_sheet_by_index(0).iter_rows(), 1):
            if i > MAX_ROWS + 10:
                raise ValidationError({"file": _("The list has more than 50,000 rows.")})
            value: Any = row[0] if row else ""
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            out.append((i, "" if value is None else str(value)))
    except ValidationError:
        raise
    except Exception as exc:  # calamine raises its own kinds for a damaged or foreign file
        raise ValidationError({"file": _("The file could not be read as XLSX.")}) from exc
    return out


def _is_udi(text: str) -> bool:
    return (
        text.startswith(("(", "]"))
        or "\x1d" in text
        or (text[:2] == "01" and len(text) >= 16 and text[2:16].isdigit())
    )


def check_list(*, notice: SafetyNotice, values: list[tuple[int, str]], devices: Any) -> rules.ListCheck:
    """Which devices (of the `devices` queryset, the user's) the list names; every row that names none,
    or a device of another product than the notice's, is a problem with its reason."""
    criteria_models = list(notice.device_models.values_list("pk", flat=True))
    product = Q(model_id__in=criteria_models) | (
        Q(udi_di__in=notice.udi_dis) if notice.udi_dis else Q(pk__in=[])
    )
    result = rules.ListCheck()
    serial_rows: dict[str, list[int]] = defaultdict(list)
    udi_rows: list[tuple[int, str, str, str, str]] = []
    for number, text in values:
        if _is_udi(text):
            try:
                udi = parse_udi(text)
            except BarcodeError as exc:
                result.problems.append(rules.RowProblem(number, text, str(exc)))
                continue
            if not udi.serial and not udi.lot:
                result.problems.append(
                    rules.RowProblem(number, text, _("the UDI names neither a serial number nor a lot"))
                )
                continue
            udi_rows.append((number, text, udi.di, udi.serial, udi.lot))
        else:
            serial_rows[text].append(number)
    found: set[int] = set()
    serials = sorted(serial_rows)
    known: dict[str, list[int]] = defaultdict(list)
    for start in range(0, len(serials), CHUNK):
        chunk = serials[start : start + CHUNK]
        for serial, pk in devices.filter(product, serial_number__in=chunk).values_list("serial_number", "pk"):
            known[serial].append(pk)
    for serial, numbers in serial_rows.items():
        if serial in known:
            found.update(known[serial])
        else:
            for number in numbers:
                result.problems.append(
                    rules.RowProblem(
                        number, serial, _("no device of the notice's models has this serial number")
                    )
                )
    for number, text, di, serial, lot in udi_rows:
        match = devices.filter(udi_di=di)
        match = match.filter(serial_number=serial) if serial else match.filter(lot=lot)
        ids = list(match.values_list("pk", flat=True)[:100])
        if ids:
            found.update(ids)
        else:
            result.problems.append(rules.RowProblem(number, text, _("no registered device has this UDI")))
    result.device_ids = sorted(found)
    result.problems.sort(key=lambda p: p.row)
    return result


def problems_error(problems: list[rules.RowProblem]) -> ValidationError:
    """Every problem row, listed (the first 50, then how many more), as one refusal of the file."""
    lines = [
        _("Row %(row)s: %(value)s — %(reason)s") % {"row": p.row, "value": p.value, "reason": p.reason}
        for p in problems[:SHOWN_PROBLEMS]
    ]
    if len(problems) > SHOWN_PROBLEMS:
        lines.append(_("… and %(n)s more rows.") % {"n": len(problems) - SHOWN_PROBLEMS})
    head = _("%(n)s rows of the list name no device of the register; nothing was added.") % {
        "n": len(problems)
    }
    return ValidationError({"file": [head, *lines]})
