"""Pure rules of the register: the device lifecycle and what counts as registered."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from decimal import Decimal
from typing import TypeVar, cast

from django.utils import timezone
from django.utils.translation import gettext as _

from medtek.inventory.choices import DeviceStatus as S

# Which status may follow which. Anything else is an illegal jump.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.IN_USE: frozenset({S.OUT_OF_SERVICE, S.UNDER_REPAIR, S.BLOCKED, S.SURPLUS, S.IN_STOCK, S.ON_LOAN}),
    S.OUT_OF_SERVICE: frozenset({S.IN_USE, S.UNDER_REPAIR, S.BLOCKED, S.SURPLUS}),
    S.UNDER_REPAIR: frozenset({S.IN_USE, S.OUT_OF_SERVICE, S.BLOCKED, S.SURPLUS, S.IN_STOCK}),
    S.BLOCKED: frozenset({S.IN_USE, S.UNDER_REPAIR, S.OUT_OF_SERVICE, S.SURPLUS, S.IN_STOCK}),
    S.SURPLUS: frozenset({S.IN_USE, S.DECOMMISSIONED, S.IN_STOCK}),
    S.DECOMMISSIONED: frozenset({S.DONATED, S.SOLD, S.TRADED_IN, S.SCRAPPED}),
    S.DONATED: frozenset(),
    S.SOLD: frozenset(),
    S.TRADED_IN: frozenset(),
    S.SCRAPPED: frozenset(),
    # Assistive devices (HMC).
    S.IN_STOCK: frozenset({S.ON_LOAN, S.RECONDITIONING, S.SURPLUS, S.IN_USE, S.BLOCKED}),
    S.ON_LOAN: frozenset({S.RETURNED, S.UNDER_REPAIR, S.BLOCKED}),
    S.RETURNED: frozenset({S.RECONDITIONING, S.IN_STOCK, S.SURPLUS}),
    S.RECONDITIONING: frozenset({S.IN_STOCK, S.SURPLUS, S.BLOCKED}),
}

# Statuses of a device that has left the register: it no longer counts (e.g. for billing).
LEFT_REGISTER = frozenset({S.DECOMMISSIONED, S.DONATED, S.SOLD, S.TRADED_IN, S.SCRAPPED})
# Statuses in which a device must not be used on a patient.
NOT_USABLE = frozenset({S.BLOCKED, S.OUT_OF_SERVICE, S.UNDER_REPAIR}) | LEFT_REGISTER


class IllegalTransition(ValueError):
    """A status change the lifecycle does not allow."""


def check_transition(current: str, target: str) -> None:
    """Raise IllegalTransition with the reason when `current` → `target` is not allowed."""
    if target not in S.values:
        raise IllegalTransition(_("'%(status)s' is not a device status.") % {"status": target})
    label = S(current).label
    if current == target:
        raise IllegalTransition(_("The device is already '%(status)s'.") % {"status": label})
    allowed = TRANSITIONS.get(current, frozenset())
    if target not in allowed:
        if not allowed:
            raise IllegalTransition(
                _("A device that is '%(status)s' has left the register for good.") % {"status": label}
            )
        names = ", ".join(f"'{S(s).label}'" for s in sorted(allowed))
        raise IllegalTransition(
            _("A device that is '%(status)s' cannot become '%(target)s'; it can only become: %(allowed)s.")
            % {"status": label, "target": S(target).label, "allowed": names}
        )


# Statuses only an assistive device (HMC's loan stock) can have.
ASSISTIVE_ONLY = frozenset({S.IN_STOCK, S.ON_LOAN, S.RETURNED, S.RECONDITIONING})


def check_status_fits_kind(target: str, *, is_assistive: bool) -> None:
    """Stock, loan, return and reconditioning are the life of an assistive device, never of another."""
    if target in ASSISTIVE_ONLY and not is_assistive:
        raise IllegalTransition(
            _("Only an assistive device can be '%(status)s'.") % {"status": S(target).label}
        )


def allowed_next(current: str, *, is_assistive: bool) -> list[str]:
    """The statuses a device that is `current` may become: exactly those the status change accepts."""
    return list(_allowed_next(current, is_assistive))


@functools.cache
def _allowed_next(current: str, is_assistive: bool) -> tuple[str, ...]:
    # The same for every device of the kind in the status (the device page asks on every view); the
    # refusals' messages are not kept, only which statuses pass.
    allowed = []
    for target in S.values:
        try:
            check_transition(current, target)
            check_status_fits_kind(target, is_assistive=is_assistive)
        except IllegalTransition:
            continue
        allowed.append(target)
    return tuple(allowed)


def acquisition_date_error(day: dt.date | None, *, today: dt.date) -> str | None:
    """Why a device cannot be registered as acquired on `day` (None when it can): a device is registered
    once it has been acquired, so never with a date after today. The device forms, the API and the
    import all ask this."""
    if day is not None and day > today:
        return _(
            "The acquisition date %(day)s is in the future: a device is acquired today at the latest."
        ) % {"day": day.isoformat()}
    return None


def in_register(status: str) -> bool:
    return status not in LEFT_REGISTER


Quantity = TypeVar("Quantity", int, Decimal)


def fold_counts(
    counts: Mapping[int, Quantity], counts_as: Mapping[int, int | None], customers: list[int]
) -> tuple[dict[int, Quantity], dict[int, dict[int, Quantity]]]:
    """Each customer's registered devices (or another quantity per owner, such as advice hours), with
    those of care providers that count as it folded in.

    The agreement's own definition: a care provider under contract with a municipality (or region) is
    included in it. Returns (customer → count, customer → {contributing owner → its count}).
    """
    totals: dict[int, Quantity] = {c: cast(Quantity, 0) for c in customers}
    parts: dict[int, dict[int, Quantity]] = {c: {} for c in customers}
    for owner, n in counts.items():
        target = owner if owner in totals else counts_as.get(owner)
        if target in totals and n:
            totals[target] += n
            parts[target][owner] = parts[target].get(owner, 0) + n
    return totals, parts


class BadEffectiveDate(ValueError):
    """A change dated on a day the register cannot take it (in the future, or before its history)."""


def check_effective_date(day: dt.date, *, today: dt.date, last_event_day: dt.date | None) -> None:
    """A change of owner, placement or status happened today or on a past day, never before the
    device's last event: the history is a sequence, and each event carries the device as it was after it.
    """
    if day > today:
        raise BadEffectiveDate(
            _("%(day)s is in the future: register a change when it has happened (today at the latest).")
            % {"day": day.isoformat()}
        )
    if last_event_day is not None and day < last_event_day:
        raise BadEffectiveDate(
            _(
                "%(day)s is before the device's last event (%(last)s): a change cannot be dated before "
                "what its history already holds."
            )
            % {"day": day.isoformat(), "last": last_event_day.isoformat()}
        )


def effective_moment(
    day: dt.date, *, today: dt.date, now: dt.datetime, last_event_at: dt.datetime | None
) -> dt.datetime:
    """When a change effective on `day` happened, for the history and the as-of counts.

    Today's change happens now. A past day's change counts from the start of that day, or from the
    device's last event when that falls later on the same day (it then follows that event).
    """
    if day >= today:
        return now
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    if last_event_at is not None and last_event_at > start:
        return last_event_at
    return start
