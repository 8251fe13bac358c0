"""Device export to CSV or XLSX, with the import's columns so an export can be edited and re-imported.

CSV: UTF-8 with BOM, `;` between columns and decimal comma — what Swedish Excel opens directly —,
dates as YYYY-MM-DD, yes/no as ja/nej, text that could start a formula behind an apostrophe
(medtek.core.spreadsheets; the import takes it off again); streamed row by row, so a million devices
never sit in memory.
XLSX: one sheet "Devices" written with openpyxl's write-only mode; dates and amounts as cells of their type.
Both read the user's devices (scoped, filtered like the list) in keyset chunks of one query each.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from medtek.core.downloads import as_attachment, download
from medtek.core.spreadsheets import csv_text, xlsx_row
from medtek.core.streams import primed_stream, stream_failed_row
from medtek.inventory.filters import DeviceFilter
from medtek.inventory.importer import COLUMNS
from medtek.inventory.selectors import device_queryset

CHUNK = 2000
FORMATS = ("csv", "xlsx")
# Excel's own limit on rows in a sheet, less the header.
XLSX_MAX_ROWS = 1_048_575
_VALUES = (
    "asset_number",
    "model__manufacturer__name",
    "model__name",
    "owner__short_code",
    "location__code",
    "serial_number",
    "udi_di",
    "udi_pi",
    "status",
    "acquisition_date",
    "acquisition_value",
    "warranty_end",
    "stores_patient_data",
    "has_radiation_source",
    "is_sterile",
    "expiry_date",
)


def device_rows(*, user: Any, filters: DeviceFilter) -> Iterator[tuple[Any, ...]]:
    """The user's devices as tuples in the import's column order, read in keyset chunks by asset number."""
    qs = device_queryset(user=user, filters=filters).order_by("asset_number").values_list(*_VALUES)
    last: str | None = None
    while True:
        chunk = list((qs.filter(asset_number__gt=last) if last is not None else qs)[:CHUNK])
        for r in chunk:
            udi = f"(01){r[6]}{r[7]}" if r[6] else ""
            yield (r[0], f"{r[1]} {r[2]}", r[3], r[4] or "", r[5], udi, *r[8:])
        if len(chunk) < CHUNK:
            return
        last = chunk[-1][0]


def _yes_no(value: bool) -> str:
    return "ja" if value else "nej"


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_text(value)
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_stream(rows: Iterator[tuple[Any, ...]]) -> Iterator[bytes]:
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield ("\ufeff" + writer.writerow(COLUMNS)).encode()
    batch: list[str] = []
    for row in rows:
        batch.append(writer.writerow([_csv_cell(v) for v in row]))
        if len(batch) >= 500:
            yield "".join(batch).encode()
            batch = []
    if batch:
        yield "".join(batch).encode()


def _filename(fmt: str) -> str:
    return f"devices-{timezone.localdate():%Y-%m-%d}.{fmt}"


def export_devices(*, user: Any, filters: DeviceFilter, fmt: str) -> HttpResponseBase:
    """The user's devices matching `filters` as a CSV (streamed) or XLSX download."""
    fmt = (fmt or "csv").lower()
    if fmt not in FORMATS:
        raise ValidationError({"format": _("Export as csv or xlsx.")})
    rows = device_rows(user=user, filters=filters)
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            primed_stream(_csv_stream(rows), error_row=stream_failed_row()),
            content_type="text/csv; charset=utf-8",
        )
        return as_attachment(response, _filename(fmt))
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Devices"))
    sheet.append(list(COLUMNS))
    for n, row in enumerate(rows):
        if n >= XLSX_MAX_ROWS:
            raise ValidationError(
                {"format": _("More devices than an XLSX sheet holds; export as csv or filter the list.")}
            )
        sheet.append(xlsx_row(sheet, [_yes_no(v) if isinstance(v, bool) else v for v in row]))
    out = io.BytesIO()
    workbook.save(out)
    return download(out.getvalue(), _filename(fmt))
