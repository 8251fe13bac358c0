"""Pure rules of maintenance (no ORM): priority models, PM dates, work-order states, protocols, SLA."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from medtek.core.calendar import add_hours, hours_between
from medtek.core.dates import add_months
from medtek.maintenance.choices import ItemKind, SlaState, WorkOrderKind, WorkOrderStatus

# Fennigkoh–Smith style equipment-management number: function (2-10) + physical risk (1-5)
# + maintenance need (1-5); so every device model scores between 4 and 20.
EM_MIN = 4
EM_MAX = 20
MAX_HOURS_PER_DAY = Decimal(24)

# Kinds whose time, travel and material the variable billing bills (PM is in the fixed fee).
BILLABLE_KINDS = frozenset({WorkOrderKind.CM, WorkOrderKind.QC, WorkOrderKind.ADVICE, WorkOrderKind.OTHER})

# Kinds a customer contact may ask for.
CUSTOMER_KINDS = frozenset({WorkOrderKind.CM, WorkOrderKind.ADVICE, WorkOrderKind.OTHER, WorkOrderKind.QC})


class RuleError(ValueError):
    """A broken rule, with the field it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def em_number(function_score: int, physical_risk_score: int, maintenance_need_score: int) -> int:
    """The equipment-management number of a device model (4-20)."""
    return int(function_score) + int(physical_risk_score) + int(maintenance_need_score)


# --- priority models -------------------------------------------------------------------------


def _first_repeat(values: Sequence[Any]) -> int | None:
    """The position of the first value that came before, or None."""
    seen: set[Any] = set()
    for i, value in enumerate(values):
        if value in seen:
            return i
        seen.add(value)
    return None


def check_pm_classes(classes: Sequence[Mapping[str, Any]]) -> None:
    """A PM prioritisation model must cover EM numbers 4-20 exactly once, with distinct codes and ranks.
    A refusal of one class's value is filed under it (`classes.<n>.<field>`, n its place in the list)."""
    if not classes:
        raise RuleError("classes", _("The PM model needs at least one class."))
    codes = [str(c["code"]).strip() for c in classes]
    if any(not code for code in codes):
        raise RuleError(f"classes.{codes.index('')}.code", _("Every PM class needs a code."))
    repeat = _first_repeat(codes)
    if repeat is not None:
        raise RuleError(f"classes.{repeat}.code", _("Two PM classes have the same code."))
    ranks = [int(c["rank"]) for c in classes]
    if sorted(ranks) != list(range(1, len(ranks) + 1)):
        raise RuleError(
            "classes", _("The PM classes' planning order must be 1, 2, 3 … without gaps or repeats.")
        )
    for n, c in enumerate(classes):
        lo, hi = int(c["min_score"]), int(c["max_score"])
        if lo > hi:
            raise RuleError(
                f"classes.{n}.min_score",
                _("PM class %(code)s: the lowest EM number is above the highest.") % {"code": c["code"]},
            )
        if lo < EM_MIN or hi > EM_MAX:
            raise RuleError(
                f"classes.{n}.{'min_score' if lo < EM_MIN else 'max_score'}",
                _("PM class %(code)s: EM numbers run from %(min)s to %(max)s.")
                % {"code": c["code"], "min": EM_MIN, "max": EM_MAX},
            )
        interval = c.get("interval_months")
        if interval is not None and int(interval) <= 0:
            raise RuleError(
                f"classes.{n}.interval_months",
                _("PM class %(code)s: the interval must be at least one month.") % {"code": c["code"]},
            )
    bands = sorted((int(c["min_score"]), int(c["max_score"]), str(c["code"])) for c in classes)
    expected = EM_MIN
    for lo, hi, code in bands:
        if lo < expected:
            raise RuleError(
                "classes",
                _("PM class %(code)s overlaps another class at EM number %(em)s.") % {"code": code, "em": lo},
            )
        if lo > expected:
            raise RuleError(
                "classes",
                _("No PM class covers EM numbers %(low)s-%(high)s.") % {"low": expected, "high": lo - 1},
            )
        expected = hi + 1
    if expected <= EM_MAX:
        raise RuleError(
            "classes",
            _("No PM class covers EM numbers %(low)s-%(high)s.") % {"low": expected, "high": EM_MAX},
        )


def check_cm_levels(levels: Sequence[Mapping[str, Any]]) -> None:
    """A CM priority model: levels ranked 1..n without gaps or repeats, each with sane targets. A refusal
    of one level's value is filed under it (`levels.<n>.<field>`, n its place in the list)."""
    if not levels:
        raise RuleError("levels", _("The CM priority model needs at least one level."))
    codes = [str(lv["code"]).strip() for lv in levels]
    if any(not code for code in codes):
        raise RuleError(f"levels.{codes.index('')}.code", _("Every priority level needs a code."))
    repeat = _first_repeat(codes)
    if repeat is not None:
        raise RuleError(f"levels.{repeat}.code", _("Two priority levels have the same code."))
    repeat = _first_repeat([int(lv["rank"]) for lv in levels])
    if repeat is not None:
        raise RuleError(f"levels.{repeat}.rank", _("Two priority levels have the same rank."))
    ranks = sorted(int(lv["rank"]) for lv in levels)
    if ranks != list(range(1, len(ranks) + 1)):
        missing = sorted(set(range(1, max(ranks) + 1)) - set(ranks))
        raise RuleError(
            "levels",
            _("Priority level rank %(rank)s is missing: ranks must run 1, 2, 3 ….") % {"rank": missing[0]},
        )
    for n, lv in enumerate(levels):
        response, resolution = Decimal(lv["response_hours"]), Decimal(lv["resolution_hours"])
        if response <= 0 or resolution <= 0:
            raise RuleError(
                f"levels.{n}.{'response_hours' if response <= 0 else 'resolution_hours'}",
                _("Priority %(code)s: targets must be more than 0 hours.") % {"code": lv["code"]},
            )
        if response > resolution:
            raise RuleError(
                f"levels.{n}.response_hours",
                _("Priority %(code)s: the response target is later than the resolution target.")
                % {"code": lv["code"]},
            )


def class_for(em: int, classes: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    for c in classes:
        if int(c["min_score"]) <= em <= int(c["max_score"]):
            return c
    return None


# --- PM dates --------------------------------------------------------------------------------


def effective_interval(
    override: int | None, model_interval: int | None, class_interval: int | None
) -> int | None:
    """Device override, else the device model's own interval, else its PM class's."""
    for value in (override, model_interval, class_interval):
        if value:
            return int(value)
    return None


def next_due(
    last_done: dt.date | None, interval_months: int | None, first_due: dt.date | None = None
) -> dt.date | None:
    if not interval_months:
        return None
    if last_done is None:
        return first_due
    return add_months(last_done, interval_months)


# --- work-order states -----------------------------------------------------------------------

S = WorkOrderStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.REPORTED: frozenset({S.ACCEPTED, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.IN_PROGRESS, S.WAITING, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.WAITING, S.DONE, S.CANCELLED}),
    S.WAITING: frozenset({S.IN_PROGRESS, S.CANCELLED}),
    S.DONE: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.CLOSED: frozenset(),
    S.CANCELLED: frozenset(),
}
OPEN_STATUSES = frozenset({S.REPORTED, S.ACCEPTED, S.IN_PROGRESS, S.WAITING})
ENTRY_STATUSES = frozenset({S.ACCEPTED, S.IN_PROGRESS, S.WAITING, S.DONE})


def check_transition(current: str, target: str) -> None:
    if target not in S.values:
        raise RuleError("status", _("'%(status)s' is not a work-order status.") % {"status": target})
    if target in TRANSITIONS.get(current, frozenset()):
        return
    if not TRANSITIONS.get(current):
        raise RuleError(
            "status",
            _("A work order that is %(status)s cannot change any more.") % {"status": S(current).label},
        )
    names = ", ".join(str(S(s).label) for s in sorted(TRANSITIONS[current]))
    raise RuleError(
        "status",
        _("A work order that is %(status)s can only become: %(allowed)s.")
        % {"status": S(current).label, "allowed": names},
    )


def check_hours(hours: Decimal) -> None:
    if not hours.is_finite():
        raise RuleError("hours", _("Hours must be a number of hours, not NaN or infinity."))
    if hours <= 0:
        raise RuleError("hours", _("Hours must be more than 0."))
    if hours > MAX_HOURS_PER_DAY:
        raise RuleError("hours", _("No more than 24 hours can be logged on one day."))


# --- protocols -------------------------------------------------------------------------------


def work_approved(results: Iterable[str]) -> bool:
    """Finished work is approved unless one of its check protocols failed."""
    return all(result != "failed" for result in results)


def check_back_in_use(target: str, usable: Iterable[str], failed_checks: Sequence[str]) -> None:
    """A device a failed check blocked returns to use only after a later check of it passes (or an MT
    admin's override with a reason), never by a plain status change."""
    if target in set(usable) and failed_checks:
        raise RuleError(
            "status",
            _(
                "The device failed %(checks)s and stays out of use until a later check passes "
                "or an MT admin overrides the block with a reason."
            )
            % {"checks": ", ".join(failed_checks)},
        )


def check_override_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise RuleError(
            "reason", _("Give the reason for putting the device back in use without a passed check.")
        )
    return reason


def check_protocol_item(kind: str, unit: str, lower: Decimal | None, upper: Decimal | None) -> None:
    if kind == ItemKind.MEASURE:
        if not (unit or "").strip():
            raise RuleError("unit", _("A measured value needs its unit."))
        if lower is None and upper is None:
            raise RuleError("lower_limit", _("A measured value needs a lower or an upper limit."))
        if lower is not None and upper is not None and lower > upper:
            raise RuleError("lower_limit", _("The lower limit is above the upper limit."))


def measure_passes(value: Decimal, lower: Decimal | None, upper: Decimal | None) -> bool:
    return (lower is None or value >= lower) and (upper is None or value <= upper)


@dataclass(frozen=True)
class ItemSpec:
    id: int
    kind: str
    label: str
    unit: str
    lower: Decimal | None
    upper: Decimal | None


@dataclass(frozen=True)
class LineResult:
    item_id: int
    checked: bool | None
    value: Decimal | None
    unit: str
    passed: bool


def item_field(item_id: int) -> str:
    """The name of a protocol item's answer: the page's field, and the key of a refusal of it."""
    return f"item-{item_id}"


def evaluate_protocol(
    items: Sequence[ItemSpec], answers: Mapping[int, Mapping[str, Any]]
) -> list[LineResult]:
    """Judge each answer against its item; every item must be answered. A refusal of one item's answer
    is filed under that item's field (`item_field`), worded for the place next to it."""
    unknown = set(answers) - {i.id for i in items}
    if unknown:
        raise RuleError("results", _("Item %(item)s is not part of this protocol.") % {"item": min(unknown)})
    out: list[LineResult] = []
    for item in items:
        field = item_field(item.id)
        answer = answers.get(item.id) or {}
        if item.kind == ItemKind.CHECK:
            checked = answer.get("checked")
            if checked is None:
                raise RuleError(field, _("Choose OK or not OK: the protocol needs every item."))
            out.append(LineResult(item.id, bool(checked), None, "", bool(checked)))
            continue
        raw = answer.get("value")
        if raw is None or raw == "":
            raise RuleError(field, _("Fill in the measured value: the protocol needs every item."))
        unit = str(answer.get("unit") or "").strip()
        if not unit:
            raise RuleError(field, _("A measured value needs its unit (%(unit)s).") % {"unit": item.unit})
        if unit != item.unit:
            raise RuleError(
                field,
                _("Measured in %(unit)s, but the protocol asks for %(expected)s.")
                % {"unit": unit, "expected": item.unit},
            )
        try:
            value = Decimal(str(raw))
        except ArithmeticError as exc:
            raise RuleError(field, _("'%(value)s' is not a number.") % {"value": raw}) from exc
        out.append(LineResult(item.id, None, value, unit, measure_passes(value, item.lower, item.upper)))
    return out


# --- SLA -------------------------------------------------------------------------------------


def sla_deadlines(
    reported_at: dt.datetime, response_hours: Decimal, resolution_hours: Decimal, *, working_time: bool
) -> tuple[dt.datetime, dt.datetime]:
    return (
        add_hours(reported_at, response_hours, working_time=working_time),
        add_hours(reported_at, resolution_hours, working_time=working_time),
    )


def sla_state(due_at: dt.datetime | None, met_at: dt.datetime | None, now: dt.datetime) -> str:
    """Within target, at risk (open and due within the next hour… or already met late), breached."""
    if due_at is None:
        return SlaState.NONE
    if met_at is not None:
        return SlaState.OK if met_at <= due_at else SlaState.BREACHED
    if now > due_at:
        return SlaState.BREACHED
    if due_at - now <= dt.timedelta(hours=2):
        return SlaState.AT_RISK
    return SlaState.OK


def elapsed_hours(
    start: dt.datetime | None, end: dt.datetime | None, *, working_time: bool
) -> Decimal | None:
    if start is None or end is None:
        return None
    return hours_between(start, end, working_time=working_time)


def percent(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))
