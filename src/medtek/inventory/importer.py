"""Device import from a spreadsheet (CSV or XLSX): every row validated, then all written or none.

The file has a header row naming its columns; each following row is one device. Errors name the data
row as the user counts it (the first row under the header is row 1) and, beside it, the file line the
row starts on (in XLSX, the sheet's row number). Column names are case-insensitive; the Swedish names
in brackets are accepted too, and so are the labels the device pages show, in Swedish or English
("Anskaffad", "Placering", "Acquired"). Errors name a column as the file does. `import_template()` is an
XLSX to fill in: those labels as headers, an example row and each column's allowed values.

Columns (* required):
- asset_number* (inventarienummer): unique in the file and in the register, at most 40 characters.
- model* (modell): a device model by its name ("Infusomat Space") or as "Manufacturer Model"
  ("B. Braun Infusomat Space"); a name several manufacturers use needs the manufacturer.
- owner* (ägare): the owning organisation by short code ("BERG"), kommunkod ("2326"), organisation
  number or exact name;
  the importing user needs the import right (register.import) for it.
- location (placering): a location code of the owner.
- serial_number (serienummer): at most 80 characters.
- udi: a GS1 UDI barcode, human-readable "(01)07610000000011(17)271231(10)LOT1(21)SN1" or as scanned;
  fills UDI-DI/PI and lot, and the serial number and expiry date when those columns are empty.
- status: a device status (in_use, out_of_service, ...) or its name in English or Swedish; default in_use.
- acquisition_date (anskaffningsdatum), warranty_end (garanti_till), expiry_date (utgångsdatum):
  YYYY-MM-DD; a sterile device needs its expiry date; a device is acquired today at the latest (the
  rule the device forms and the API apply too).
- acquisition_value (anskaffningsvärde): kronor, comma or dot before öre ("28 000,50"), not negative.
- stores_patient_data, has_radiation_source, is_sterile: ja/nej, yes/no, 1/0, true/false; empty is no.
- last_pm (senaste_fu): YYYY-MM-DD of the device's last preventive maintenance, not in the future; its
  next PM falls due one interval later (without it, the device is due from the day it is imported).

CSV files are UTF-8 (with or without BOM; Windows-1252 as Swedish Excel saves "CSV" is read too), with
`;` or `,` between columns (sniffed from the header); UTF-16/UTF-32 and other encodings are refused by
name. A text cell starting with an apostrophe before =, +, -, @ (as medtek's exports write formula-like
text) is read without the apostrophe. XLSX files are read from their first sheet. Input is bounded
(settings MEDTEK_IMPORT_MAX_ROWS, MEDTEK_IMPORT_MAX_COLUMNS, MEDTEK_IMPORT_XLSX_MAX_UNPACKED_MB; the
upload size is checked by the form and the API handler), NUL characters are refused with their row and
column, and the report keeps the first IMPORT_MAX_ERRORS errors while counting all.

References are resolved with one query per table, asset numbers are checked against the register in
bulk, and the devices and their "device.imported" events are written set-based, so a file of a million
rows takes a few dozen queries, not a million. On PostgreSQL the rows stream with COPY inside one
transaction, which blocks no other user. On SQLite, where a writing transaction locks the whole
database, the file is checked with no transaction open and the good rows are staged in a temporary
table (the connection's own temp database: no lock on the register); only the final swap — two
INSERT … SELECT in one short transaction — takes the write lock.
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import csv
import datetime as dt
import heapq
import io
import itertools
import json
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medtek.core.models import Event
from medtek.core.spreadsheets import unquote_csv_text
from medtek.core.uploads import MB, UnsafeZip, check_zip
from medtek.inventory import rules
from medtek.inventory.choices import DeviceStatus, EventKind
from medtek.inventory.hooks import run_devices_changed
from medtek.inventory.models import Device, DeviceModel
from medtek.inventory.udi import BarcodeError, parse_udi
from medtek.organizations.models import Location, Organisation
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for

COLUMNS = (
    "asset_number",
    "model",
    "owner",
    "location",
    "serial_number",
    "udi",
    "status",
    "acquisition_date",
    "acquisition_value",
    "warranty_end",
    "stores_patient_data",
    "has_radiation_source",
    "is_sterile",
    "expiry_date",
    "last_pm",
)
REQUIRED = ("asset_number", "model", "owner")
ALIASES = {
    "inventarienummer": "asset_number",
    "inventarienr": "asset_number",
    "modell": "model",
    "ägare": "owner",
    "placering": "location",
    "serienummer": "serial_number",
    "anskaffningsdatum": "acquisition_date",
    "anskaffningsvärde": "acquisition_value",
    "garanti_till": "warranty_end",
    "utgångsdatum": "expiry_date",
    "senaste_fu": "last_pm",
}
# Columns that are no field of a device, with the label they carry in the template.
OTHER_LABELS = {"udi": "UDI", "last_pm": gettext_lazy("Last PM")}


def column_label(name: str) -> str:
    """A column's label as the device pages show it, in the active language ("Anskaffad", "Placering")."""
    if name in OTHER_LABELS:
        return str(OTHER_LABELS[name])
    return str(getattr(Device._meta.get_field(name), "verbose_name", name)).capitalize()


def _label_aliases() -> dict[str, str]:
    """The pages' labels, in Swedish and English, as column names: "Anskaffad" and "Acquired" both
    name acquisition_date (with or without a unit in brackets: "Anskaffningsvärde (kr)")."""
    aliases: dict[str, str] = {}
    for language in ("en", "sv"):
        with translation.override(language):
            for name in COLUMNS:
                label = _key(column_label(name))
                for variant in (label, label.split(" (")[0]):
                    aliases[variant.replace(" ", "_")] = name
    return aliases


TRUE_WORDS = frozenset({"ja", "yes", "1", "true", "j", "y", "sant"})
FALSE_WORDS = frozenset({"nej", "no", "0", "false", "n", "falskt", ""})
MAX_VALUE = Decimal("1000000000000")  # MoneyField: 14 digits, 2 of them öre
UNIQUE_CHECK_CHUNK = 10000


@dataclass(frozen=True)
class RowError:
    """One problem in the file: the data row as the user counts it (the first row under the header is
    row 1; 0 is the header or the file as a whole), the column, the reason, and the line of the file
    the row starts on (in an XLSX file, the sheet's row number)."""

    row: int
    column: str
    message: str
    line: int = 0


@dataclass
class ImportReport:
    """What an import found and did. `ok` is False when any row is bad; then nothing was written.

    `errors` holds the first errors in row order (at most IMPORT_MAX_ERRORS); `error_count` and
    `error_rows` count all of them and the rows they are on.
    """

    rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    error_rows: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.error_count and not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "error_count": self.error_count,
            "error_rows": self.error_rows,
            "errors": [
                {"row": e.row, "line": e.line, "column": e.column, "message": e.message} for e in self.errors
            ],
        }


class _Errors:
    """The errors found so far: all counted, the first `cap` of them (by row) kept."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.count = 0
        self.rows = 0
        self._kept: list[tuple[int, int, RowError]] = []  # a max-heap on (row, order), negated

    def __bool__(self) -> bool:
        return self.count > 0

    def add_row(self, errors: Iterable[RowError]) -> None:
        """The errors of one row (or of the header), all found at once."""
        added = 0
        for error in errors:
            added += 1
            self.count += 1
            heapq.heappush(self._kept, (-error.row, -self.count, error))
            if len(self._kept) > self.cap:
                heapq.heappop(self._kept)
        self.rows += 1 if added else 0

    def add(self, error: RowError) -> None:
        self.add_row((error,))

    def fill(self, report: ImportReport) -> None:
        report.errors = [e for _row, _order, e in sorted(self._kept, key=lambda k: (-k[0], -k[1]))]
        report.error_count, report.error_rows = self.count, self.rows


class _FileError(Exception):
    """The file as a whole, or from one row on, cannot be read."""

    def __init__(self, message: str, *, row: int = 0, line: int = 0) -> None:
        super().__init__(message)
        self.row, self.line = row, line

    def error(self) -> RowError:
        return RowError(self.row, "", str(self), self.line)


# Told how far an import has come: (phase, rows checked, rows written), phase "checking", "writing" or
# "done"; called every PROGRESS_ROWS rows while checking, once before writing and once at the end.
ImportProgress = Callable[[str, int, int], None]
PROGRESS_ROWS = 1000


def import_devices(
    *,
    user: Any,
    data: bytes | IO[bytes],
    filename: str,
    dry_run: bool = False,
    progress: ImportProgress | None = None,
) -> ImportReport:
    """Validate every row of a CSV/XLSX file and register all its devices, or none when any row is bad.

    `data` is the file's bytes or a binary file (an upload, read as a stream). On SQLite the rows are
    checked without holding the database's write lock and staged in a temporary table; the devices
    and their events are then written in one short transaction, so other users' writes wait a moment
    at most. On PostgreSQL they are streamed with COPY, which blocks no one.

    `progress`, if given, is told how far the import has come (ImportProgress).
    """
    scope = scope_for(user)
    if not scope.can(Cap.REGISTER_IMPORT):
        raise PermissionDenied(_("You may not import devices."))
    report = ImportReport(dry_run=dry_run)
    errors = _Errors(int(settings.MEDTEK["IMPORT_MAX_ERRORS"]))
    stream: IO[bytes] = io.BytesIO(data) if isinstance(data, bytes | bytearray | memoryview) else data
    try:
        source = _read(stream, filename)
    except _FileError as exc:
        errors.add(exc.error())
        errors.fill(report)
        return report
    postgres = connection.vendor == "postgresql"
    with transaction.atomic() if postgres else contextlib.nullcontext():
        validator = _Validator(user, scope)
        validator.progress = progress
        columns = validator.check_header(source.header, errors)
        if errors:
            errors.fill(report)
            return report
        writer: _Writer | None = (
            None if dry_run else (_CopyWriter(user) if postgres else _StagingWriter(user))
        )
        try:
            validator.run(columns, source, report, errors, writer)
            if not report.rows and not errors:
                errors.add(RowError(1, "", _("The file has no device rows under its header."), 2))
            if not errors and writer is not None:
                if progress is not None:
                    progress("writing", report.rows, 0)
                try:
                    report.created = writer.flush(
                        after=lambda: _devices_changed(
                            list(validator.first_row), validator.last_pm, above=writer.new_above
                        )
                    )
                except RegisteredAlready:
                    validator.check_registered(errors, recheck=True)
                    if not errors:  # another constraint: a model or location removed meanwhile
                        errors.add(
                            RowError(
                                0,
                                "",
                                _(
                                    "The register changed while the file was being saved; "
                                    "nothing was saved. Import the file again."
                                ),
                                0,
                            )
                        )
        finally:
            if writer is not None:
                writer.abort()  # end a COPY or drop the staged rows, whatever happened
    errors.fill(report)
    if report.error_count:
        report.created = 0
    if progress is not None:
        progress("done", report.rows, report.created)
    return report


def _devices_changed(assets: list[str], last_pm: dict[str, dt.date], *, above: int = 0) -> None:
    """Tell later parts (maintenance's PM clock) about the new devices: one array on PostgreSQL,
    chunks within SQLite's parameter limit; all their ids are above `above`."""
    step = len(assets) if connection.vendor == "postgresql" else UNIQUE_CHECK_CHUNK
    for start in range(0, len(assets), max(step, 1)):
        chunk = assets[start : start + step]
        given = {a: last_pm[a] for a in chunk if a in last_pm} if last_pm else {}
        run_devices_changed(Device.objects.filter(pk__gt=above, asset_number__any_of=chunk), given)


# Reading -------------------------------------------------------------------------------------------


@dataclass
class _Source:
    """A file's header and its rows as (data row, file line, cells as text)."""

    header: list[str]
    rows: Iterator[tuple[int, int, list[str]]]
    may_hold_nul: bool = True


def _limit(name: str) -> int:
    return int(settings.MEDTEK[name])


def _read(stream: IO[bytes], filename: str) -> _Source:
    head = stream.read(4)
    stream.seek(0)
    if filename.lower().endswith((".xlsx", ".xlsm")) or head == b"PK\x03\x04":
        return _read_xlsx(stream)
    return _read_csv(stream)


_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def _encoding_of(stream: IO[bytes]) -> tuple[str, bool, bool]:
    """The encoding to read the CSV with (UTF-8, else Windows-1252), and whether it holds a NUL byte
    and an apostrophe (so the rows are searched for them only when there can be one).

    The file is scanned a megabyte at a time; UTF-16 and UTF-32 (with or without a byte-order mark)
    and text in neither UTF-8 nor Windows-1252 are refused with a message that names what was found.
    """
    head = stream.read(4096)
    stream.seek(0)
    found = next((name for bom, name in _BOMS if head.startswith(bom)), None)
    if found is None and len(head) >= 8 and head.count(b"\x00") * 3 >= len(head):
        found = "UTF-16"  # ASCII text in UTF-16 without a byte-order mark: every other byte is NUL
    if found:
        raise _FileError(
            _("The file is %(encoding)s-encoded; save it as UTF-8 (in Excel: 'CSV UTF-8').")
            % {"encoding": found}
        )
    has_nul = has_quote = False
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        line = 1
        try:
            while chunk := stream.read(MB):
                decoder.decode(chunk)
                has_nul = has_nul or b"\x00" in chunk
                has_quote = has_quote or b"'" in chunk
                line += chunk.count(b"\n")
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            if encoding == "cp1252":
                raise _FileError(
                    _(
                        "The file is not text in UTF-8 (nor in Windows-1252): byte 0x%(byte)02X near line "
                        "%(line)s; save it as 'CSV UTF-8' or as XLSX."
                    )
                    % {"byte": exc.object[exc.start], "line": line + exc.object[: exc.start].count(b"\n")}
                ) from exc
            continue
        finally:
            stream.seek(0)
        return encoding, has_nul, has_quote
    raise AssertionError("unreachable")


def _read_csv(stream: IO[bytes]) -> _Source:
    encoding, has_nul, has_quote = _encoding_of(stream)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    first_line = text.readline()
    if not first_line.strip():
        raise _FileError(_("The file is empty."))
    delimiter = max((";", ",", "\t"), key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ";"
    max_columns, max_rows = _limit("IMPORT_MAX_COLUMNS"), _limit("IMPORT_MAX_ROWS")

    def lines() -> Iterator[str]:
        for number, line in enumerate(itertools.chain((first_line,), text), start=1):
            if line.count(delimiter) >= max_columns:  # bounded before the csv module splits the line
                raise _FileError(_too_many_columns(max_columns), line=number)
            yield line

    reader = csv.reader(lines(), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise _FileError(_("The file cannot be read as CSV: %(reason)s") % {"reason": exc}) from exc

    def rows() -> Iterator[tuple[int, int, list[str]]]:
        number, start = 0, reader.line_num + 1
        try:
            for cells in reader:
                number += 1
                if number > max_rows:
                    raise _FileError(_too_many_rows(max_rows), row=number, line=start)
                if has_quote:
                    cells = [unquote_csv_text(c) if c[:1] == "'" else c for c in cells]
                yield number, start, cells
                start = reader.line_num + 1
        except csv.Error as exc:
            raise _FileError(
                _("The file cannot be read as CSV here: %(reason)s") % {"reason": exc},
                row=number + 1,
                line=start,
            ) from exc
        except _FileError as exc:
            exc.row = exc.row or number + 1
            raise

    return _Source(header, rows(), may_hold_nul=has_nul)


def _too_many_rows(limit: int) -> str:
    return _("The file has more than %(limit)s rows; split it into smaller files.") % {"limit": limit}


def _too_many_columns(limit: int) -> str:
    return _("The file has more than %(limit)s columns; the import reads at most that many.") % {
        "limit": limit
    }


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(stream: IO[bytes]) -> _Source:
    """The first sheet, read with calamine (Rust): some twenty times faster than openpyxl's reader.

    calamine holds the sheet's cells, so the zip is checked first (uploads.check_zip): what it unpacks
    to is bounded by IMPORT_XLSX_MAX_UNPACKED_MB, and so is the memory the sheet takes.
    """
    from python_calamine import CalamineWorkbook

    try:
        check_zip(stream, max_unpacked=_limit("IMPORT_XLSX_MAX_UNPACKED_MB") * MB)
    except UnsafeZip as exc:
        raise _FileError(str(exc)) from exc
    max_columns, max_rows = _limit("IMPORT_MAX_COLUMNS"), _limit("IMPORT_MAX_ROWS")
    try:
        workbook = CalamineWorkbook.from_filelike(stream)
        sheet = workbook.get_sheet_by_index(0)
        if sheet.end is not None and sheet.end[0] > max_rows:  # end: the last row's index, from 0
            raise _FileError(_too_many_rows(max_rows), row=max_rows + 1, line=max_rows + 2)
        if sheet.width > max_columns:
            raise _FileError(_too_many_columns(max_columns), line=1)
        rows_iter = iter(sheet.iter_rows())  # from the sheet's row 1
        header = [_cell_text(v) for v in next(rows_iter)]
    except StopIteration as exc:
        raise _FileError(_("The file is empty.")) from exc
    except _FileError:
        raise
    except Exception as exc:  # calamine raises its own kinds for a damaged or foreign file
        raise _FileError(_("The file cannot be read as XLSX: %(reason)s") % {"reason": exc}) from exc

    def rows() -> Iterator[tuple[int, int, list[str]]]:
        try:
            for number, values in enumerate(rows_iter, start=1):
                yield number, number + 1, [v if v.__class__ is str else _cell_text(v) for v in values]
        finally:
            workbook.close()

    return _Source(header, rows())


# Validation ----------------------------------------------------------------------------------------


def _key(value: str) -> str:
    return " ".join(value.split()).casefold()


class _Validator:
    """Resolves references from dictionaries loaded once, and checks each row as the model would."""

    def __init__(self, user: Any, scope: Any) -> None:
        self.user = user
        self.progress: ImportProgress | None = None
        # The first row of each asset number that passed (its order is the file's), those not yet
        # checked against the register, and where the file's lines part from "row + 1" (a CSV cell over
        # several lines): kept lean, as a file may have a million rows.
        self.first_row: dict[str, int] = {}
        self.unchecked: list[str] = []
        self.line_shifts: list[tuple[int, int]] = [(0, 1)]  # (from row, line - row)
        self.last_pm: dict[str, dt.date] = {}  # asset number → last PM, where the file gives one
        # Each column's name as the file writes it ("Anskaffad"): errors name the column so.
        self.shown: dict[str, str] = {}
        self.today = timezone.localdate()
        allowed = None if scope.is_superuser else scope.org_ids(Cap.REGISTER_IMPORT)
        self.allowed: frozenset[int] | None = allowed
        orgs = Organisation.objects.visible_to(user)
        self.org_by_key: dict[str, set[int]] = defaultdict(set)
        self.org_names: dict[int, str] = {}
        rows = orgs.values_list("pk", "short_code", "org_number", "name", "municipality_code")
        for pk, short_code, org_number, name, kommunkod in rows:
            self.org_names[pk] = name
            self.org_by_key[_key(short_code)].add(pk)
            if kommunkod:
                self.org_by_key["kommun:" + kommunkod].add(pk)
            if org_number:
                self.org_by_key["#" + "".join(c for c in org_number if c.isdigit())].add(pk)
            self.org_by_key[_key(name)].add(pk)
        self.model_by_key: dict[str, set[int]] = defaultdict(set)
        for pk, name, maker in DeviceModel.objects.values_list("pk", "name", "manufacturer__name"):
            self.model_by_key[_key(f"{maker} {name}")].add(pk)
            self.model_by_key[_key(name)].add(pk)
        locations = (
            Location.objects.all()
            if allowed is None
            else Location.objects.filter(organisation_id__any_of=sorted(allowed))
        )
        self.location_by_key: dict[tuple[int, str], int] = {}
        self.location_owners: dict[str, set[int]] = defaultdict(set)
        for pk, org_id, code in locations.values_list("pk", "organisation_id", "code"):
            self.location_by_key[(org_id, _key(code))] = pk
            self.location_owners[_key(code)].add(org_id)
        # A model, owner or location cell's text as the file writes it → what it resolved to (files
        # repeat a few of each), and where each column is in the file (set by `run`).
        self.model_ids: dict[str, int] = {}
        self.owner_ids: dict[str, int] = {}
        self.location_ids: dict[tuple[int, str], int] = {}
        self.at: tuple[int, ...] = ()
        self.statuses: dict[str, str] = {}
        for value, label in DeviceStatus.choices:
            self.statuses[value] = value
            with translation.override("en"):
                self.statuses[_key(str(label))] = value
            with translation.override("sv"):
                self.statuses[_key(str(label))] = value

    def check_header(self, header: list[str], errors: _Errors) -> list[str | None]:
        columns: list[str | None] = []
        seen: set[str] = set()
        found: list[RowError] = []
        labels = _label_aliases()
        for raw in header:
            name = _key(raw).replace(" ", "_")
            name = ALIASES.get(name) or labels.get(name) or name
            if not name:
                columns.append(None)
                continue
            if name not in COLUMNS:
                found.append(
                    RowError(
                        0,
                        raw,
                        _("Unknown column '%(name)s'; the columns are: %(columns)s.")
                        % {"name": raw, "columns": ", ".join(COLUMNS)},
                        1,
                    )
                )
            elif name in seen:
                found.append(RowError(0, raw, _("The column '%(name)s' appears twice.") % {"name": raw}, 1))
            seen.add(name)
            columns.append(name)
            self.shown.setdefault(name, " ".join(raw.split()))
        for name in REQUIRED:
            if name not in seen:
                found.append(
                    RowError(
                        0, name, _("The column '%(name)s' is missing; it is required.") % {"name": name}, 1
                    )
                )
        errors.add_row(found)
        return columns

    def run(
        self,
        columns: list[str | None],
        source: _Source,
        report: ImportReport,
        errors: _Errors,
        writer: _Writer | None,
    ) -> None:
        """Check every row; hand the good ones to `writer` while the file has no error."""
        first_row, shifts = self.first_row, self.line_shifts
        # Each column's cell by its position in the file, picked once for the whole file; a column the
        # file lacks reads the empty cell appended to every row (position -1).
        index = {name: i for i, name in enumerate(columns) if name}
        self.at = tuple(index.get(name, -1) for name in COLUMNS)
        width = len(columns)
        check_nul = source.may_hold_nul
        progress = self.progress
        row = self.row
        try:
            for number, line, cells in source.rows:
                joined = "".join(cells)
                if not joined or joined.isspace():  # no cell holds anything but blanks
                    continue
                report.rows += 1
                if progress is not None and not report.rows % PROGRESS_ROWS:
                    progress("checking", report.rows, 0)
                if line - number != shifts[-1][1]:
                    shifts.append((number, line - number))
                if check_nul and "\x00" in joined:
                    named = [self.shown.get(c, c) if c else None for c in columns]
                    errors.add_row(_nul_errors(number, line, named, cells))
                    continue
                if len(cells) < width:
                    cells = cells + [""] * (width - len(cells))
                cells.append("")
                values = row(number, line, cells, errors)
                if values is None:
                    continue
                asset = values[0]
                first = first_row.get(asset)
                if first is not None:
                    errors.add(
                        RowError(
                            number,
                            self.shown.get("asset_number", "asset_number"),
                            _("The asset number %(number)s is also on row %(row)s.")
                            % {"number": asset, "row": first},
                            line,
                        )
                    )
                    continue
                first_row[asset] = number
                self.unchecked.append(asset)
                if writer is not None and not errors:
                    writer.add(values)
                if (writer is None or not writer.streams) and len(self.unchecked) >= UNIQUE_CHECK_CHUNK:
                    self.check_registered(errors)
                if writer is not None and errors:
                    writer.abort()  # nothing will be written; stop streaming or staging
        except _FileError as exc:
            errors.add(exc.error())
        if writer is not None and errors:
            writer.abort()
        if writer is None or not writer.streams or errors:
            self.check_registered(errors)

    def check_registered(self, errors: _Errors, *, recheck: bool = False) -> None:
        """Report the accepted rows whose asset number the register already holds (not yet checked).

        `recheck`: all of them again (another import registered some after they were checked).
        """
        pending = list(self.first_row) if recheck else self.unchecked
        self.unchecked = []
        for start in range(0, len(pending), UNIQUE_CHECK_CHUNK):
            chunk = pending[start : start + UNIQUE_CHECK_CHUNK]
            registered = Device.objects.filter(asset_number__any_of=chunk)
            taken = set(registered.values_list("asset_number", flat=True))
            for asset in chunk:
                if asset in taken:
                    number = self.first_row[asset]
                    errors.add(
                        RowError(
                            number,
                            self.shown.get("asset_number", "asset_number"),
                            _("A device with the asset number %(number)s is already registered.")
                            % {"number": asset},
                            self.line_of(number),
                        )
                    )

    def line_of(self, row: int) -> int:
        """The file line a data row starts on."""
        at = bisect.bisect_right(self.line_shifts, (row, 1 << 62)) - 1
        return row + self.line_shifts[at][1]

    def row(self, number: int, line: int, cells: list[str], errors: _Errors) -> tuple[Any, ...] | None:
        """The validated values in `_Writer.FIELDS` order, or None after recording the row's errors.

        `cells` are the row's cells with an empty one appended; `self.at` says where each column is.
        The checks are those of the columns in turn; a cell most files leave empty costs a test, and a
        model, owner or location written as an earlier row wrote it is looked up by that text.
        """
        (
            at_asset,
            at_model,
            at_owner,
            at_location,
            at_serial,
            at_udi,
            at_status,
            at_acquired,
            at_value,
            at_warranty,
            at_patient,
            at_radiation,
            at_sterile,
            at_expiry,
            at_last_pm,
        ) = self.at
        bad: list[RowError] = []

        def fail(column: str, message: str) -> None:
            bad.append(RowError(number, self.shown.get(column, column), message, line))

        asset = cells[at_asset].strip()
        if not asset:
            fail("asset_number", _("The asset number is required."))
        elif len(asset) > 40:
            fail("asset_number", _("The asset number is longer than 40 characters."))

        text = cells[at_model]
        model_id = self.model_ids.get(text)
        if model_id is None:
            model_id = self.model(text, fail)
            if model_id is not None:
                self.model_ids[text] = model_id
        text = cells[at_owner]
        owner_id = self.owner_ids.get(text)
        if owner_id is None:
            owner_id = self.owner(text, fail)
            if owner_id is not None:
                self.owner_ids[text] = owner_id
        text = cells[at_location]
        location_id = None
        if text and owner_id is not None:
            location_id = self.location_ids.get((owner_id, text))
            if location_id is None:
                location_id = self.location(text, owner_id, fail)
                if location_id is not None:
                    self.location_ids[(owner_id, text)] = location_id

        serial = cells[at_serial].strip()
        lot = udi_di = udi_pi = ""
        expiry_text = cells[at_expiry]
        expiry = _date(expiry_text, "expiry_date", fail) if expiry_text else None
        barcode = cells[at_udi].strip()
        if barcode:
            try:
                udi = parse_udi(barcode)
            except BarcodeError as exc:
                fail("udi", str(exc))
            else:
                udi_di, udi_pi, lot = udi.di, udi.pi, udi.lot
                serial = serial or udi.serial
                if expiry is None and not expiry_text.strip():
                    expiry = udi.expiry
                if len(udi_di) > 40 or len(udi_pi) > 120 or len(lot) > 40:
                    fail("udi", _("The UDI is longer than the register holds."))
        if len(serial) > 80:
            fail("serial_number", _("The serial number is longer than 80 characters."))

        status_raw = cells[at_status].strip()
        status = _IN_USE
        if status_raw:
            found = self.statuses.get(status_raw) or self.statuses.get(_key(status_raw))
            if found is None:
                fail(
                    "status",
                    _("'%(value)s' is not a device status; use one of: %(statuses)s.")
                    % {"value": status_raw, "statuses": ", ".join(DeviceStatus.values)},
                )
            else:
                status = found

        text = cells[at_acquired]
        acquired = _date(text, "acquisition_date", fail) if text else None
        acquired_error = rules.acquisition_date_error(acquired, today=self.today)
        if acquired_error:
            fail("acquisition_date", acquired_error)
        text = cells[at_value]
        value = _amount(text, fail) if text else None
        text = cells[at_warranty]
        warranty = _date(text, "warranty_end", fail) if text else None
        patient_data = _flag(cells[at_patient], "stores_patient_data", fail)
        radiation = _flag(cells[at_radiation], "has_radiation_source", fail)
        sterile = _flag(cells[at_sterile], "is_sterile", fail)
        if sterile and expiry is None and not expiry_text.strip():
            fail("expiry_date", _("A sterile device needs its expiry date."))
        text = cells[at_last_pm]
        last_pm = _date(text, "last_pm", fail) if text else None
        if last_pm is not None and last_pm > timezone.localdate():
            fail("last_pm", _("The last PM cannot be in the future."))
        if bad:
            errors.add_row(bad)
            return None
        if last_pm is not None:
            self.last_pm[asset] = last_pm
        return (
            asset,
            serial,
            udi_di,
            udi_pi,
            lot,
            expiry,
            model_id,
            owner_id,
            location_id,
            status,
            acquired,
            value,
            warranty,
            patient_data,
            radiation,
            sterile,
        )

    def model(self, text: str, fail: Any) -> int | None:
        text = text.strip()
        if not text:
            fail("model", _("The device model is required."))
            return None
        ids = self.model_by_key.get(_key(text))
        if not ids:
            fail("model", _("Unknown device model '%(value)s'.") % {"value": text})
            return None
        if len(ids) > 1:
            fail(
                "model",
                _("Several manufacturers have a model '%(value)s'; write 'Manufacturer Model'.")
                % {"value": text},
            )
            return None
        return next(iter(ids))

    def owner(self, text: str, fail: Any) -> int | None:
        text = text.strip()
        if not text:
            fail("owner", _("The owner is required."))
            return None
        ids = self.org_by_key.get(_key(text))
        if not ids:
            digits = "".join(c for c in text if c.isdigit())
            if len(digits) == 10:
                ids = self.org_by_key.get("#" + digits)
            elif len(text) == 4 and text.isdigit():  # a kommunkod: 2326 is Berg
                ids = self.org_by_key.get("kommun:" + text)
        if not ids:
            fail("owner", _("Unknown organisation '%(value)s'.") % {"value": text})
            return None
        if len(ids) > 1:
            fail("owner", _("Several organisations match '%(value)s'; use its code.") % {"value": text})
            return None
        org_id = next(iter(ids))
        if self.allowed is not None and org_id not in self.allowed:
            fail(
                "owner",
                _("You may not import devices for %(name)s.") % {"name": self.org_names[org_id]},
            )
            return None
        return org_id

    def location(self, text: str, owner_id: int | None, fail: Any) -> int | None:
        text = text.strip()
        if not text or owner_id is None:
            return None
        key = _key(text)
        found = self.location_by_key.get((owner_id, key))
        if found is not None:
            return found
        if self.location_owners.get(key):
            fail(
                "location",
                _("The location %(code)s belongs to another organisation, not to %(owner)s.")
                % {"code": text, "owner": self.org_names[owner_id]},
            )
        else:
            fail(
                "location",
                _("%(owner)s has no location with the code %(code)s.")
                % {"code": text, "owner": self.org_names[owner_id]},
            )
        return None


def _nul_errors(number: int, line: int, columns: list[str | None], cells: list[str]) -> list[RowError]:
    message = _("The cell holds a NUL character (\\0), which text cannot hold; remove it.")
    return [
        RowError(number, (columns[i] if i < len(columns) else None) or str(i + 1), message, line)
        for i, cell in enumerate(cells)
        if "\x00" in cell
    ]


def _date(text: str, column: str, fail: Any) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10] if len(text) > 10 and text[10] in "T " else text)
    except ValueError:
        fail(column, _("'%(value)s' is not a date; write YYYY-MM-DD.") % {"value": text})
        return None


# An amount as most files write it: kronor (at most 12 digits, so below MAX_VALUE), optionally a comma or
# dot and one or two digits of öre. Anything else takes the full check in `_amount`, which gives the same
# value for these.
_PLAIN_AMOUNT = re.compile(r"(\d{1,12})(?:[.,](\d\d?))?")


def _amount(text: str, fail: Any) -> Decimal | None:
    plain = _PLAIN_AMOUNT.fullmatch(text)
    if plain is not None:
        kronor, ore = plain.groups()
        return Decimal(f"{kronor}.{ore or ''}".ljust(len(kronor) + 3, "0"))
    text = text.strip()
    if not text:
        return None
    cleaned = text.replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        fail(
            "acquisition_value",
            _("'%(value)s' is not an amount; write e.g. 28000,50 or 28000.50.") % {"value": text},
        )
        return None
    if value < 0:
        fail("acquisition_value", _("The acquisition value cannot be negative."))
        return None
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        fail("acquisition_value", _("'%(value)s' has more than two decimals (öre).") % {"value": text})
        return None
    if value >= MAX_VALUE:
        fail("acquisition_value", _("'%(value)s' is larger than the register holds.") % {"value": text})
        return None
    return value.quantize(Decimal("0.01"))


_IN_USE = DeviceStatus.IN_USE.value
_FLAGS = {**dict.fromkeys(FALSE_WORDS, False), **dict.fromkeys(TRUE_WORDS, True)}


def _flag(text: str, column: str, fail: Any) -> bool:
    found = _FLAGS.get(text)  # the cell as most files write it: "ja", "nej", "1", empty
    if found is not None:
        return found
    word = text.strip().casefold()
    if word in FALSE_WORDS:
        return False
    if word in TRUE_WORDS:
        return True
    fail(column, _("'%(value)s' is not yes or no; write ja or nej.") % {"value": text.strip()})
    return False


# Writing -------------------------------------------------------------------------------------------


class _Writer:
    FIELDS = (
        "asset_number",
        "serial_number",
        "udi_di",
        "udi_pi",
        "lot",
        "expiry_date",
        "model_id",
        "owner_id",
        "location_id",
        "status",
        "acquisition_date",
        "acquisition_value",
        "warranty_end",
        "stores_patient_data",
        "has_radiation_source",
        "is_sterile",
    )

    def __init__(self, user: Any) -> None:
        self.user = user
        self.now = timezone.now()

    # A writer that streams rows out as they come leaves the registered-asset check to the database.
    streams = False
    # After `flush`: every new device's id is above this (0: not known), so what follows finds them by
    # a range of the primary key instead of testing every device of the register against the file.
    new_above = 0

    def add(self, values: tuple[Any, ...]) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        """Forget what was added (nothing has been written unless the writer streams)."""

    def flush(self, after: Callable[[], None] | None = None) -> int:
        """Write what was added, then call `after` (the PM clock of the new devices) in the same
        transaction."""
        raise NotImplementedError


def _events_sql(vendor: str, devices_where: str) -> str:
    """INSERT of the "device.imported" event of every device `devices_where` picks, by the database.

    Parameters: occurred/recorded time, actor id, kind, then the statuses that leave the register
    (one for PostgreSQL's array, one each for SQLite's list), then those of `devices_where`.
    """
    if vendor == "postgresql":
        left, data = "NOT (d.status = ANY(%s))", "jsonb_build_object"
    else:
        left, data = f"d.status NOT IN ({', '.join(['%s'] * len(rules.LEFT_REGISTER))})", "json_object"
    return f"""
        INSERT INTO {Event._meta.db_table} (occurred_at, recorded_at, actor_id, kind, subject_type,
            subject_id, device_id, owner_id, location_id, status, in_register, data, message)
        SELECT %s, %s, %s, %s, 'inventory.device', d.id, d.id, d.owner_id, d.location_id, d.status,
               {left},
               {data}('asset_number', d.asset_number, 'model', d.model_id, 'owner', d.owner_id),
               ''
        FROM {Device._meta.db_table} d WHERE {devices_where} ORDER BY d.id
    """


def _event_params(writer: _Writer, vendor: str) -> list[Any]:
    now = connection.ops.adapt_datetimefield_value(writer.now)
    left = sorted(rules.LEFT_REGISTER)
    actor_id = writer.user.pk if getattr(writer.user, "is_authenticated", False) else None
    return [now, now, actor_id, str(EventKind.IMPORTED), *([left] if vendor == "postgresql" else left)]


class _StagingWriter(_Writer):
    """SQLite: rows staged in a temporary table while the file is checked, swapped in at the end.

    A temporary table lives in the connection's own temp database, so staging takes no lock on the
    register and other users write as usual while a large file is checked. Only the swap — two
    INSERT … SELECT in one transaction, run inside SQLite — holds the write lock, briefly; an asset
    number registered meanwhile makes the unique index refuse the swap, and nothing is written.
    """

    CHUNK_ROWS = 5000

    def __init__(self, user: Any) -> None:
        super().__init__(user)
        self.table = f"medtek_import_{uuid.uuid4().hex}"
        self.pending: list[tuple[Any, ...]] = []
        self.staged = 0
        self.created = False
        self.dropped = False
        self.insert = (
            f"INSERT INTO temp.{self.table} ({', '.join(self.FIELDS)}) "
            f"VALUES ({', '.join(['%s'] * len(self.FIELDS))})"
        )

    def add(self, values: tuple[Any, ...]) -> None:
        # As Django's SQLite backend stores them: dates as ISO text, amounts as text, flags as 0/1.
        self.pending.append(
            tuple(
                v.isoformat() if isinstance(v, dt.date) else str(v) if isinstance(v, Decimal) else v
                for v in values
            )
        )
        if len(self.pending) >= self.CHUNK_ROWS:
            self._stage()

    def _stage(self) -> None:
        if self.dropped or not self.pending:
            return
        with connection.cursor() as cursor:
            if not self.created:
                cursor.execute(
                    f"CREATE TEMP TABLE {self.table} (seq INTEGER PRIMARY KEY, {', '.join(self.FIELDS)})"
                )
                self.created = True
            cursor.executemany(self.insert, self.pending)
        self.staged += len(self.pending)
        self.pending = []

    def abort(self) -> None:
        """Drop the staged rows (nothing of them is in the register)."""
        self.pending = []
        if self.created and not self.dropped:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS temp.{self.table}")
        self.dropped = True

    def flush(self, after: Callable[[], None] | None = None) -> int:
        self._stage()
        if not self.staged:
            return 0
        rest_columns, rest_values = _constant_values(
            Device, self.FIELDS, {"created_at": self.now, "updated_at": self.now}
        )
        columns = ", ".join([*self.FIELDS, *rest_columns])
        selected = ", ".join([*self.FIELDS, *(["%s"] * len(rest_values))])
        table = Device._meta.db_table
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                # Holding the write lock, the new devices are exactly those above the highest id now.
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
                (before,) = cursor.fetchone()
                self.new_above = before
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) SELECT {selected} FROM temp.{self.table} ORDER BY seq",
                    rest_values,
                )
                cursor.execute(
                    _events_sql(connection.vendor, "d.id > %s"),
                    [*_event_params(self, connection.vendor), before],
                )
                if after is not None:
                    after()
        except IntegrityError as exc:
            raise RegisteredAlready from exc
        return self.staged


def _constant_fields(model: Any, given: Iterable[str], fixed: dict[str, Any]) -> list[tuple[Any, Any]]:
    """The fields of `model` not in `given`, each with its value (from `fixed` or the field default)."""
    return [
        (f, fixed[f.attname] if f.attname in fixed else f.get_default())
        for f in model._meta.concrete_fields
        if not f.primary_key and f.attname not in given
    ]


def _constant_values(model: Any, given: Iterable[str], fixed: dict[str, Any]) -> tuple[list[str], list[Any]]:
    """Columns of `model` not in `given` and their values as the database takes them as parameters."""
    pairs = _constant_fields(model, given, fixed)
    return [f.column for f, _v in pairs], [f.get_db_prep_save(v, connection) for f, v in pairs]


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x00": ""})


def _copy_text(value: Any) -> str:
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False).translate(_COPY_ESCAPES)
    return str(value)


def _constant_columns(model: Any, given: Iterable[str], fixed: dict[str, Any]) -> tuple[list[str], str]:
    """Columns of `model` not in `given` and their values in COPY text format."""
    pairs = _constant_fields(model, given, fixed)
    return [f.column for f, _v in pairs], "\t".join(_copy_text(v) for _f, v in pairs)


class RegisteredAlready(Exception):
    """The register already holds one of the file's asset numbers (its unique index said so)."""


class _Aborted(Exception):
    """Raised into the streaming savepoint to roll it back."""


class _CopyWriter(_Writer):
    """PostgreSQL: the devices streamed with COPY while the file is still being checked, their events
    written by the server from the rows it now holds.

    Rows go to the server in chunks as they pass validation, so the database stores one chunk while the
    next is checked. It all happens in a savepoint: a bad row further down, or an asset number the
    register already has (its unique index refuses the COPY), rolls it back, and the caller reports the
    rows exactly as it would have without writing.
    """

    streams = True
    CHUNK_ROWS = 2000

    def __init__(self, user: Any) -> None:
        super().__init__(user)
        self.lines: list[str] = []
        self.assets: list[str] = []
        self.actor_id = user.pk if getattr(user, "is_authenticated", False) else None
        self.device_rest_cols, self.device_rest = _constant_columns(
            Device, self.FIELDS, {"created_at": self.now, "updated_at": self.now}
        )
        self.stack: ExitStack | None = None
        self.copy: Any = None
        self.max_before = 0

    def add(self, values: tuple[Any, ...]) -> None:
        # One COPY line from the values `_Validator.row` gives, in FIELDS order, each as its type is
        # written (this runs a million times for a million rows): text escaped, dates ISO, NULL as \\N.
        (
            asset,
            serial,
            udi_di,
            udi_pi,
            lot,
            expiry,
            model_id,
            owner_id,
            location_id,
            status,
            acquired,
            value,
            warranty,
            patient_data,
            radiation,
            sterile,
        ) = values
        e, n = _COPY_ESCAPES, "\\N"
        self.lines.append(
            f"{asset.translate(e)}\t{serial.translate(e)}\t{udi_di.translate(e)}\t{udi_pi.translate(e)}\t"
            f"{lot.translate(e)}\t{n if expiry is None else expiry.isoformat()}\t{model_id}\t{owner_id}\t"
            f"{n if location_id is None else location_id}\t{status.translate(e)}\t"
            f"{n if acquired is None else acquired.isoformat()}\t{n if value is None else value}\t"
            f"{n if warranty is None else warranty.isoformat()}\t{'t' if patient_data else 'f'}\t"
            f"{'t' if radiation else 'f'}\t{'t' if sterile else 'f'}\t{self.device_rest}"
        )
        self.assets.append(asset)
        if len(self.lines) >= self.CHUNK_ROWS:
            self._send()

    def _send(self) -> None:
        if self.copy is None:
            stack = ExitStack()
            stack.enter_context(transaction.atomic())
            cursor = stack.enter_context(connection.cursor())
            # The register's highest id before the COPY: the ids of the rows it adds are drawn from the
            # table's sequence after this, so they are above it (`flush` checks that they all were).
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {Device._meta.db_table}")
            (self.max_before,) = cursor.fetchone()
            raw = cursor.cursor
            columns = ", ".join([*self.FIELDS, *self.device_rest_cols])
            self.copy = stack.enter_context(raw.copy(f"COPY {Device._meta.db_table} ({columns}) FROM STDIN"))
            self.stack = stack
        if self.lines:
            self.lines.append("")
            self.copy.write("\n".join(self.lines))
            self.lines = []

    def abort(self) -> None:
        """Undo whatever was streamed: a row further down was bad."""
        if self.stack is not None:
            stack, self.stack, self.copy = self.stack, None, None
            stack.__exit__(_Aborted, _Aborted(), None)

    def flush(self, after: Callable[[], None] | None = None) -> int:
        if not self.assets:
            return 0
        import psycopg

        self._send()
        stack, self.stack, self.copy = self.stack, None, None
        assert stack is not None
        try:
            stack.close()  # ends the COPY, then releases the savepoint (or rolls it back on an error)
        except (psycopg.errors.UniqueViolation, IntegrityError) as exc:
            raise RegisteredAlready from exc
        params = [*_event_params(self, connection.vendor), self.max_before, self.assets]
        with connection.cursor() as cursor:
            # The new devices by the id range the COPY drew (the primary key's index), their asset numbers
            # as a filter: without the range PostgreSQL tests every device of the register against the
            # file's asset numbers, twice (here and for the PM clock).
            cursor.execute(_events_sql(connection.vendor, "d.id > %s AND d.asset_number = ANY(%s)"), params)
            if cursor.rowcount == len(self.assets):
                self.new_above = self.max_before
            else:  # an id drawn below the bound (a sequence set back under existing ids): those by number
                cursor.execute(
                    _events_sql(connection.vendor, "d.id <= %s AND d.asset_number = ANY(%s)"), params
                )
        if after is not None:
            after()
        return len(self.assets)


# The template a department fills in ------------------------------------------------------------------


def _allowed_values() -> dict[str, str]:
    statuses = ", ".join(str(label) for _value, label in DeviceStatus.choices)
    yes_no = _("ja or nej (empty is nej)")
    date = _("a date, YYYY-MM-DD")
    return {
        "asset_number": _("Unique in the file and the register, at most 40 characters."),
        "model": _("The model's name, or manufacturer and name: %(example)s.")
        % {"example": "B. Braun Infusomat Space"},
        "owner": _("The owner's code, kommunkod (2326 for Berg), organisation number or exact name."),
        "location": _("The code of one of the owner's locations."),
        "serial_number": _("At most 80 characters."),
        "udi": _("A GS1 UDI barcode, as printed or as scanned."),
        "status": _("Empty is in use; else one of: %(statuses)s.") % {"statuses": statuses},
        "acquisition_date": _("%(date)s, today at the latest.") % {"date": date},
        "acquisition_value": _("Kronor, with a comma or dot before öre: 28000,50."),
        "warranty_end": date,
        "stores_patient_data": yes_no,
        "has_radiation_source": yes_no,
        "is_sterile": yes_no,
        "expiry_date": _("%(date)s; a sterile device needs it.") % {"date": date},
        "last_pm": _("%(date)s of the last preventive maintenance, not in the future.") % {"date": date},
    }


def import_template(*, example_model: str = "B. Braun Infusomat Space") -> bytes:
    """An XLSX to fill in: the pages' labels as headers (in the active language), an example row, and a
    second sheet with each column's allowed values; the status and yes/no cells offer their values."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    from medtek.core.spreadsheets import xlsx_row

    example = {
        "asset_number": "MT-012345",
        "model": example_model,
        "owner": "2326",
        "location": "",
        "serial_number": "SN-0001",
        "udi": "",
        "status": str(DeviceStatus.IN_USE.label),
        "acquisition_date": "2024-05-02",
        "acquisition_value": "28000,50",
        "warranty_end": "2027-05-02",
        "stores_patient_data": "nej",
        "has_radiation_source": "nej",
        "is_sterile": "nej",
        "expiry_date": "",
        "last_pm": "2025-11-03",
    }
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Devices")[:31]
    sheet.append(xlsx_row(sheet, [column_label(name) for name in COLUMNS]))
    sheet.append(xlsx_row(sheet, [example[name] for name in COLUMNS]))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(
            14, len(column_label(name)) + 4
        )
    choices = {
        "status": [str(label) for _value, label in DeviceStatus.choices],
        "stores_patient_data": ["ja", "nej"],
        "has_radiation_source": ["ja", "nej"],
        "is_sterile": ["ja", "nej"],
    }
    for name, values in choices.items():
        letter = sheet.cell(row=1, column=COLUMNS.index(name) + 1).column_letter
        rule = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        rule.add(f"{letter}2:{letter}10000")
        sheet.add_data_validation(rule)
    allowed = book.create_sheet(_("Allowed values")[:31])
    allowed.append(xlsx_row(allowed, [_("Column"), _("Required"), _("Allowed values")]))
    for cell in allowed[1]:
        cell.font = Font(bold=True)
    texts = _allowed_values()
    for name in COLUMNS:
        allowed.append(
            xlsx_row(allowed, [column_label(name), _("yes") if name in REQUIRED else _("no"), texts[name]])
        )
    allowed.column_dimensions["A"].width = 26
    allowed.column_dimensions["C"].width = 90
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
