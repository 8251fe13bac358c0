"""Device import from a spreadsheet (CSV or XLSX): every row validated, then all written or none.

The file has a header row (row 1) naming its columns; each following row is one device.
Column names are case-insensitive; the Swedish names in brackets are accepted too.

Columns (* required):
- asset_number* (inventarienummer): unique in the file and in the register, at most 40 characters.
- model* (modell): a device model by its name ("Infusomat Space") or as "Manufacturer Model"
  ("B. Braun Infusomat Space"); a name several manufacturers use needs the manufacturer.
- owner* (ägare): the owning organisation by short code ("BERG"), organisation number or exact name;
  the importing user needs the import right (register.import) for it.
- location (placering): a location code of the owner.
- serial_number (serienummer): at most 80 characters.
- udi: a GS1 UDI barcode, human-readable "(01)07610000000011(17)271231(10)LOT1(21)SN1" or as scanned;
  fills UDI-DI/PI and lot, and the serial number and expiry date when those columns are empty.
- status: a device status (in_use, out_of_service, ...) or its name in English or Swedish; default in_use.
- acquisition_date (anskaffningsdatum), warranty_end (garanti_till), expiry_date (utgångsdatum):
  YYYY-MM-DD; a sterile device needs its expiry date.
- acquisition_value (anskaffningsvärde): kronor, comma or dot before öre ("28 000,50"), not negative.
- stores_patient_data, has_radiation_source, is_sterile: ja/nej, yes/no, 1/0, true/false; empty is no.
- last_pm (senaste_fu): YYYY-MM-DD of the device's last preventive maintenance, not in the future; its
  next PM falls due one interval later (without it, the device is due from the day it is imported).

CSV files are UTF-8 (with or without BOM; Windows-1252 as Swedish Excel saves "CSV" is read too), with
`;` or `,` between columns (sniffed from the header). XLSX files are read from their first sheet.

References are resolved with one query per table, asset numbers are checked against the register in
bulk, and the devices and their "device.imported" events are written set-based in one transaction
(COPY on PostgreSQL), so a file of a million rows takes a few dozen queries, not a million.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from medtek.core.events import build_event, record_events
from medtek.core.models import Event
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
TRUE_WORDS = frozenset({"ja", "yes", "1", "true", "j", "y", "sant"})
FALSE_WORDS = frozenset({"nej", "no", "0", "false", "n", "falskt", ""})
MAX_VALUE = Decimal("1000000000000")  # MoneyField: 14 digits, 2 of them öre
UNIQUE_CHECK_CHUNK = 10000


@dataclass(frozen=True)
class RowError:
    """One problem in the file: spreadsheet row (header = 1), column name and the reason."""

    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    """What an import found and did. `ok` is False when any row is bad; then nothing was written."""

    rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in self.errors],
        }


class _FileError(Exception):
    """The file as a whole cannot be read."""


def import_devices(*, user: Any, data: bytes, filename: str, dry_run: bool = False) -> ImportReport:
    """Validate every row of a CSV/XLSX file and register all its devices, or none when any row is bad."""
    scope = scope_for(user)
    if not scope.can(Cap.REGISTER_IMPORT):
        raise PermissionDenied(_("You may not import devices."))
    report = ImportReport(dry_run=dry_run)
    try:
        header, records = _read(data, filename)
    except _FileError as exc:
        report.errors.append(RowError(1, "", str(exc)))
        return report
    with transaction.atomic():
        validator = _Validator(user, scope)
        columns = validator.check_header(header, report.errors)
        if report.errors:
            return report
        writer: _Writer | None = (
            None
            if dry_run
            else (_CopyWriter(user) if connection.vendor == "postgresql" else _OrmWriter(user))
        )
        try:
            validator.run(columns, records, report, writer)
        except BaseException:
            if writer is not None:
                writer.abort()  # end a COPY in progress, so the transaction can roll back cleanly
            raise
        if not report.rows and not report.errors:
            report.errors.append(RowError(2, "", _("The file has no device rows under its header.")))
        if report.errors or writer is None:
            return report
        try:
            report.created = writer.flush()
        except RegisteredAlready:
            validator.check_registered(report.errors)
            report.errors.sort(key=lambda e: e.row)
        else:
            _devices_changed([asset for asset, _row in validator.accepted], validator.last_pm)
    return report


def _devices_changed(assets: list[str], last_pm: dict[str, dt.date]) -> None:
    """Tell later parts (maintenance's PM clock) about the new devices: one array on PostgreSQL,
    chunks within SQLite's parameter limit."""
    step = len(assets) if connection.vendor == "postgresql" else UNIQUE_CHECK_CHUNK
    for start in range(0, len(assets), max(step, 1)):
        chunk = assets[start : start + step]
        given = {a: last_pm[a] for a in chunk if a in last_pm} if last_pm else {}
        run_devices_changed(Device.objects.filter(asset_number__any_of=chunk), given)


# Reading -------------------------------------------------------------------------------------------


def _read(data: bytes, filename: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and the (row number, cells as text) of every row after it."""
    if filename.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    return _read_csv(data)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _FileError(_("The file is not text in UTF-8; save it as 'CSV UTF-8' or as XLSX.")) from exc


def _read_csv(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration as exc:
        raise _FileError(_("The file is empty.")) from exc
    except csv.Error as exc:
        raise _FileError(_("The file cannot be read as CSV: %(reason)s") % {"reason": exc}) from exc

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 1
        try:
            for cells in reader:
                number += 1
                yield number, cells
        except csv.Error as exc:
            yield number + 1, [f"\x00csv:{exc}"]

    return header, rows()


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


def _read_xlsx(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The first sheet, read with calamine (Rust): some twenty times faster than openpyxl's reader."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows_iter = iter(workbook.get_sheet_by_index(0).iter_rows())  # from the sheet's row 1
        header = [_cell_text(v) for v in next(rows_iter)]
    except StopIteration as exc:
        raise _FileError(_("The file is empty.")) from exc
    except Exception as exc:  # calamine raises its own kinds for a damaged or foreign file
        raise _FileError(_("The file cannot be read as XLSX: %(reason)s") % {"reason": exc}) from exc

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, values in enumerate(rows_iter, start=2):
                yield number, [v if v.__class__ is str else _cell_text(v) for v in values]
        finally:
            workbook.close()

    return header, rows()


# Validation ----------------------------------------------------------------------------------------


def _key(value: str) -> str:
    return " ".join(value.split()).casefold()


class _Validator:
    """Resolves references from dictionaries loaded once, and checks each row as the model would."""

    def __init__(self, user: Any, scope: Any) -> None:
        self.user = user
        self.accepted: list[tuple[str, int]] = []  # (asset number, row) of the rows that passed
        self.last_pm: dict[str, dt.date] = {}  # asset number → last PM, where the file gives one
        self.checked = 0  # how many of them were checked against the register
        allowed = None if scope.is_superuser else scope.org_ids(Cap.REGISTER_IMPORT)
        self.allowed: frozenset[int] | None = allowed
        orgs = Organisation.objects.visible_to(user)
        self.org_by_key: dict[str, set[int]] = defaultdict(set)
        self.org_names: dict[int, str] = {}
        for pk, short_code, org_number, name in orgs.values_list("pk", "short_code", "org_number", "name"):
            self.org_names[pk] = name
            self.org_by_key[_key(short_code)].add(pk)
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
        self.statuses: dict[str, str] = {}
        for value, label in DeviceStatus.choices:
            self.statuses[value] = value
            with translation.override("en"):
                self.statuses[_key(str(label))] = value
            with translation.override("sv"):
                self.statuses[_key(str(label))] = value

    def check_header(self, header: list[str], errors: list[RowError]) -> list[str | None]:
        columns: list[str | None] = []
        seen: set[str] = set()
        for raw in header:
            name = _key(raw).replace(" ", "_")
            name = ALIASES.get(name, name)
            if not name:
                columns.append(None)
                continue
            if name not in COLUMNS:
                errors.append(
                    RowError(
                        1,
                        raw,
                        _("Unknown column '%(name)s'; the columns are: %(columns)s.")
                        % {"name": raw, "columns": ", ".join(COLUMNS)},
                    )
                )
            elif name in seen:
                errors.append(RowError(1, raw, _("The column '%(name)s' appears twice.") % {"name": raw}))
            seen.add(name)
            columns.append(name)
        for name in REQUIRED:
            if name not in seen:
                errors.append(
                    RowError(1, name, _("The column '%(name)s' is missing; it is required.") % {"name": name})
                )
        return columns

    def run(
        self,
        columns: list[str | None],
        records: Iterable[tuple[int, list[str]]],
        report: ImportReport,
        writer: _Writer | None,
    ) -> None:
        errors = report.errors
        seen_numbers: dict[str, int] = {}
        index = {name: i for i, name in enumerate(columns) if name}
        width = len(columns)
        get = _getter(index)
        for number, cells in records:
            if cells and cells[0].startswith("\x00csv:"):
                errors.append(
                    RowError(
                        number,
                        "",
                        _("The file cannot be read as CSV here: %(reason)s") % {"reason": cells[0][5:]},
                    )
                )
                break
            if not any(c.strip() for c in cells):
                continue
            report.rows += 1
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            values = self.row(number, get(cells), errors)
            if values is None:
                continue
            asset = values[0]
            first = seen_numbers.get(asset)
            if first is not None:
                errors.append(
                    RowError(
                        number,
                        "asset_number",
                        _("The asset number %(number)s is also on row %(row)s.")
                        % {"number": asset, "row": first},
                    )
                )
                continue
            seen_numbers[asset] = number
            self.accepted.append((asset, number))
            if writer is not None and not errors:
                writer.add(values)
                if not writer.streams and len(self.accepted) - self.checked >= UNIQUE_CHECK_CHUNK:
                    self.check_registered(errors)
            elif len(self.accepted) - self.checked >= UNIQUE_CHECK_CHUNK:
                if writer is not None:
                    writer.abort()  # a streaming writer holds the connection until it is stopped
                self.check_registered(errors)
        if writer is not None and errors:
            writer.abort()
        if writer is None or not writer.streams or errors:
            self.check_registered(errors)
        errors.sort(key=lambda e: e.row)

    def check_registered(self, errors: list[RowError]) -> None:
        """Report the accepted rows whose asset number the register already holds (not yet checked)."""
        pending, self.checked = self.accepted[self.checked :], len(self.accepted)
        if not pending:
            return
        numbers = [a for a, _n in pending]
        taken = set(
            Device.objects.filter(asset_number__any_of=numbers).values_list("asset_number", flat=True)
        )
        for asset, number in pending:
            if asset in taken:
                errors.append(
                    RowError(
                        number,
                        "asset_number",
                        _("A device with the asset number %(number)s is already registered.")
                        % {"number": asset},
                    )
                )

    def row(self, number: int, raw: dict[str, str], errors: list[RowError]) -> tuple[Any, ...] | None:
        """The validated values in `_Writer.FIELDS` order, or None after recording the row's errors."""
        bad: list[RowError] = []

        def fail(column: str, message: str) -> None:
            bad.append(RowError(number, column, message))

        asset = raw["asset_number"].strip()
        if not asset:
            fail("asset_number", _("The asset number is required."))
        elif len(asset) > 40:
            fail("asset_number", _("The asset number is longer than 40 characters."))

        model_id = self.model(raw["model"], fail)
        owner_id = self.owner(raw["owner"], fail)
        location_id = self.location(raw["location"], owner_id, fail)

        serial = raw["serial_number"].strip()
        lot = udi_di = udi_pi = ""
        expiry = _date(raw["expiry_date"], "expiry_date", fail)
        barcode = raw["udi"].strip()
        if barcode:
            try:
                udi = parse_udi(barcode)
            except BarcodeError as exc:
                fail("udi", str(exc))
            else:
                udi_di, udi_pi, lot = udi.di, udi.pi, udi.lot
                serial = serial or udi.serial
                if expiry is None and not raw["expiry_date"].strip():
                    expiry = udi.expiry
                if len(udi_di) > 40 or len(udi_pi) > 120 or len(lot) > 40:
                    fail("udi", _("The UDI is longer than the register holds."))
        if len(serial) > 80:
            fail("serial_number", _("The serial number is longer than 80 characters."))

        status_raw = raw["status"].strip()
        status = DeviceStatus.IN_USE.value
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

        acquired = _date(raw["acquisition_date"], "acquisition_date", fail)
        value = _amount(raw["acquisition_value"], fail)
        warranty = _date(raw["warranty_end"], "warranty_end", fail)
        patient_data = _flag(raw["stores_patient_data"], "stores_patient_data", fail)
        radiation = _flag(raw["has_radiation_source"], "has_radiation_source", fail)
        sterile = _flag(raw["is_sterile"], "is_sterile", fail)
        if sterile and expiry is None and not raw["expiry_date"].strip():
            fail("expiry_date", _("A sterile device needs its expiry date."))
        last_pm = _date(raw["last_pm"], "last_pm", fail)
        if last_pm is not None and last_pm > timezone.localdate():
            fail("last_pm", _("The last PM cannot be in the future."))
        if bad:
            errors.extend(bad)
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


def _getter(index: dict[str, int]) -> Any:
    pairs = [(name, index.get(name)) for name in COLUMNS]

    def get(cells: list[str]) -> dict[str, str]:
        return {name: (cells[i] if i is not None else "") for name, i in pairs}

    return get


def _date(text: str, column: str, fail: Any) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10] if len(text) > 10 and text[10] in "T " else text)
    except ValueError:
        fail(column, _("'%(value)s' is not a date; write YYYY-MM-DD.") % {"value": text})
        return None


def _amount(text: str, fail: Any) -> Decimal | None:
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


def _flag(text: str, column: str, fail: Any) -> bool:
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

    def add(self, values: tuple[Any, ...]) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        """Forget what was added (nothing has been written unless the writer streams)."""

    def flush(self) -> int:
        raise NotImplementedError


class _OrmWriter(_Writer):
    """Set-based inserts through the ORM (SQLite and other databases)."""

    def __init__(self, user: Any) -> None:
        super().__init__(user)
        self.devices: list[Device] = []

    def add(self, values: tuple[Any, ...]) -> None:
        self.devices.append(Device(**dict(zip(self.FIELDS, values, strict=True))))

    def flush(self) -> int:
        created = Device.objects.bulk_create(self.devices, batch_size=2000)
        record_events(
            build_event(
                kind=EventKind.IMPORTED,
                subject=device,
                actor=self.user,
                data={
                    "asset_number": device.asset_number,
                    "model": device.model_id,
                    "owner": device.owner_id,
                },
                occurred_at=self.now,
                device_snapshot=device.snapshot(),
            )
            for device in created
        )
        return len(created)


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
    """Columns of `model` not in `given` and their values (from `fixed` or the field default)."""
    names: list[str] = []
    texts: list[str] = []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.attname in given:
            continue
        names.append(f.column)
        value = fixed[f.attname] if f.attname in fixed else f.get_default()
        texts.append(_copy_text(value))
    return names, "\t".join(texts)


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

    def add(self, values: tuple[Any, ...]) -> None:
        text, escapes = _copy_text, _COPY_ESCAPES
        # The common cells inline (this runs a million times for a million rows), the rest by _copy_text.
        cells = [
            "\\N"
            if v is None
            else v.translate(escapes)
            if v.__class__ is str
            else ("t" if v else "f")
            if v.__class__ is bool
            else text(v)
            for v in values
        ]
        cells.append(self.device_rest)
        self.lines.append("\t".join(cells))
        self.assets.append(values[0])
        if len(self.lines) >= self.CHUNK_ROWS:
            self._send()

    def _send(self) -> None:
        if self.copy is None:
            stack = ExitStack()
            stack.enter_context(transaction.atomic())
            raw = stack.enter_context(connection.cursor()).cursor
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

    def flush(self) -> int:
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
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {Event._meta.db_table} (occurred_at, recorded_at, actor_id, kind, subject_type,
                    subject_id, device_id, owner_id, location_id, status, in_register, data, message)
                SELECT %s, %s, %s, %s, 'inventory.device', d.id, d.id, d.owner_id, d.location_id, d.status,
                       NOT (d.status = ANY(%s)),
                       jsonb_build_object('asset_number', d.asset_number, 'model', d.model_id,
                                          'owner', d.owner_id),
                       ''
                FROM {Device._meta.db_table} d WHERE d.asset_number = ANY(%s)
                """,
                [
                    self.now,
                    self.now,
                    self.actor_id,
                    str(EventKind.IMPORTED),
                    sorted(rules.LEFT_REGISTER),
                    self.assets,
                ],
            )
        return len(self.assets)
