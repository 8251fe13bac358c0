"""Pure rules of field safety notices and incidents: criteria, matching, progress, assessment."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


class RuleError(ValueError):
    """A refused input, with the field it concerns."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# --- criteria ---------------------------------------------------------------------------------


def normalize_udi_di(value: str) -> str:
    """A UDI-DI (a GS1 GTIN of 8, 12, 13 or 14 digits) as its 14 digits; RuleError when it is not one."""
    from biip import ParseError
    from biip.gtin import Gtin

    text = (value or "").strip()
    if not text.isdigit() or len(text) not in (8, 12, 13, 14):
        raise RuleError(
            "udi_dis", _("'%(value)s' is not a UDI-DI: a GTIN has 8, 12, 13 or 14 digits.") % {"value": text}
        )
    try:
        gtin = Gtin.parse(text)
    except ParseError as exc:
        raise RuleError(
            "udi_dis", _("'%(value)s' is not a valid GTIN: its check digit is wrong.") % {"value": text}
        ) from exc
    return str(gtin.as_gtin_14())


MAX_LOTS = 5000


def normalize_lots(values: Iterable[str]) -> list[str]:
    """Lot numbers as given, trimmed, each once, in their order; "L2401..L2406" is the lots from
    L2401 to L2406 (the same prefix and as many digits at both ends)."""
    out: list[str] = []
    for value in values:
        text = (value or "").strip()
        if ".." in text:
            start, _sep, end = text.partition("..")
            low, high = _range(start, end, lot=True)
            prefix, first = _PREFIX.match(low).groups()  # type: ignore[union-attr]
            last = int(high[len(prefix) :])
            if last - int(first) >= MAX_LOTS:
                raise RuleError("lots", _("A lot range can name at most %(n)s lots.") % {"n": MAX_LOTS})
            lots = [f"{prefix}{n:0{len(first)}d}" for n in range(int(first), last + 1)]
        else:
            lots = [text]
        for lot in lots:
            if len(lot) > 40:
                raise RuleError(
                    "lots", _("'%(lot)s' is longer than a lot number can be (40).") % {"lot": lot}
                )
            if lot and lot not in out:
                out.append(lot)
    if len(out) > MAX_LOTS:
        raise RuleError("lots", _("A notice can name at most %(n)s lots.") % {"n": MAX_LOTS})
    return out


_PREFIX = re.compile(r"^(.*?)(\d+)$")


@dataclass(frozen=True)
class SerialRange:
    """Serial numbers from `start` to `end`: the same prefix and as many digits, numbered in between."""

    start: str
    end: str

    def contains(self, serial: str) -> bool:
        return len(serial) == len(self.start) and self.start <= serial <= self.end

    def as_dict(self) -> dict[str, str]:
        return {"start": self.start, "end": self.end}


def serial_range(start: str, end: str) -> SerialRange:
    """A checked serial range; RuleError with the reason when it is not one."""
    return SerialRange(*_range(start, end, lot=False))


def _range(start: str, end: str, *, lot: bool) -> tuple[str, str]:
    field = "lots" if lot else "serial_ranges"
    a, b = (start or "").strip(), (end or "").strip()
    values = {"start": a, "end": b}
    if not a or not b:
        raise RuleError(
            field,
            _("A lot range needs both its first and its last lot.")
            if lot
            else _("A serial range needs both its first and its last number."),
        )
    first, last = _PREFIX.match(a), _PREFIX.match(b)
    if first is None or last is None or first.group(1) != last.group(1) or len(a) != len(b):
        raise RuleError(
            field,
            (
                _(
                    "The lot range %(start)s – %(end)s must have the same prefix and as many digits at "
                    "both ends."
                )
                if lot
                else _(
                    "The serial range %(start)s – %(end)s must have the same prefix and as many digits at "
                    "both ends."
                )
            )
            % values,
        )
    if int(first.group(2)) > int(last.group(2)):
        raise RuleError(
            field,
            (
                _("The lot range starts after it ends: %(start)s is after %(end)s.")
                if lot
                else _("The serial range starts after it ends: %(start)s is after %(end)s.")
            )
            % values,
        )
    return a, b


@dataclass(frozen=True)
class Criteria:
    """What a notice names: the products (models, UDI-DIs) and, within them, lots and serial ranges."""

    model_ids: tuple[int, ...] = ()
    udi_dis: tuple[str, ...] = ()
    lots: tuple[str, ...] = ()
    serial_ranges: tuple[SerialRange, ...] = ()

    def check(self) -> None:
        if not self.model_ids and not self.udi_dis:
            raise RuleError("models", _("Name the affected models or their UDI-DIs."))

    @property
    def narrowed(self) -> bool:
        return bool(self.lots or self.serial_ranges)


def matches(criteria: Criteria, *, model_id: int, udi_di: str, lot: str, serial: str) -> bool:
    """Whether a device is affected: one of the products, and (when lots or serial ranges are named)
    in one of the lots or one of the serial ranges. The SQL of `services.notice_find_devices` is this."""
    product = model_id in criteria.model_ids or (bool(udi_di) and udi_di in criteria.udi_dis)
    if not product:
        return False
    if not criteria.narrowed:
        return True
    return (bool(lot) and lot in criteria.lots) or any(r.contains(serial) for r in criteria.serial_ranges)


# --- progress ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Where a notice stands: devices found, checked, corrected; customers that acknowledged."""

    found: int = 0
    checked: int = 0
    affected: int = 0
    not_affected: int = 0
    corrected: int = 0
    customers: int = 0
    acknowledged: int = 0
    searched: bool = False

    @property
    def outstanding(self) -> list[str]:
        """What still stands between the notice and its closing, in words."""
        out: list[str] = []
        if not self.searched:
            out.append(_("the affected devices have not been searched for"))
        if self.checked < self.found:
            out.append(_("%(n)s devices not checked") % {"n": self.found - self.checked})
        if self.corrected < self.affected:
            out.append(_("%(n)s affected devices not corrected") % {"n": self.affected - self.corrected})
        if self.acknowledged < self.customers:
            out.append(
                _("%(n)s customers have not acknowledged the notice")
                % {"n": self.customers - self.acknowledged}
            )
        return out

    @property
    def complete(self) -> bool:
        return not self.outstanding


# --- incidents --------------------------------------------------------------------------------

# A Swedish personal identity or coordination number: YYMMDD-NNNN, YYYYMMDDNNNN and the like.
_PERSONNUMMER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+ ]?\d{4}(?!\d)")


def looks_like_personal_number(text: str) -> bool:
    """Whether `text` carries a valid Swedish personal identity or coordination number."""
    from stdnum.se import personnummer

    for match in _PERSONNUMMER.finditer(text or ""):
        raw = match.group(0).replace(" ", "-")
        if personnummer.is_valid(raw) or personnummer.is_valid(raw.replace("-", "")):
            return True
    return False


def check_incident_text(fields: dict[str, str]) -> None:
    """An incident carries no patient's personal data: a personal identity number is refused."""
    for name, text in fields.items():
        if looks_like_personal_number(text):
            raise RuleError(
                name,
                _(
                    "Remove the personal identity number: an incident report must not hold personal data "
                    "about the patient."
                ),
            )


@dataclass(frozen=True)
class Report:
    """A report to the manufacturer or to Läkemedelsverket: whether it is made, its reference and date."""

    required: bool
    reference: str = ""
    reported_on: dt.date | None = None


def check_assessment(
    *, manufacturer: Report, authority: Report, occurred_on: dt.date, today: dt.date
) -> list[RuleError]:
    """The refusals of an assessment: a report that is made names its reference and its date, which is
    neither before the incident nor in the future; a report not made carries neither."""
    errors: list[RuleError] = []
    for prefix, report, whom in (
        ("manufacturer", manufacturer, _("the manufacturer")),
        ("authority", authority, _("Läkemedelsverket")),
    ):
        if report.required:
            if not report.reference.strip():
                errors.append(
                    RuleError(
                        f"{prefix}_reference",
                        _("Give the reference of the report to %(whom)s.") % {"whom": whom},
                    )
                )
            if report.reported_on is None:
                errors.append(
                    RuleError(
                        f"{prefix}_reported_on",
                        _("Give the date of the report to %(whom)s.") % {"whom": whom},
                    )
                )
            elif report.reported_on > today:
                errors.append(
                    RuleError(f"{prefix}_reported_on", _("A report cannot be dated in the future."))
                )
            elif report.reported_on < occurred_on:
                errors.append(
                    RuleError(f"{prefix}_reported_on", _("A report cannot be dated before the incident."))
                )
        elif report.reference.strip() or report.reported_on is not None:
            errors.append(
                RuleError(
                    f"{prefix}_reference",
                    _("A reference and date are given only when the incident is reported to %(whom)s.")
                    % {"whom": whom},
                )
            )
    return errors


@dataclass
class RowProblem:
    """One row of an affected-list file that could not be used, and why."""

    row: int
    value: str
    reason: str


@dataclass
class ListCheck:
    """The outcome of checking an affected-list file row by row."""

    device_ids: list[int] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def chunks(values: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
