"""Pure rules of notifications: default delivery, back-off, reminder days, quiet hours."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from medtek.notifications.choices import Kind, Mode

# Reminders of an agreement's notice deadline, this many days ahead.
NOTICE_REMINDER_DAYS = (90, 30, 7)
# A CM target is "at risk" once this share of its time has passed.
AT_RISK_SHARE = 0.75
# After this many failed attempts a notification is given up (and shown to MT admin).
MAX_ATTEMPTS = 8
# The work-order priorities (by rank) a technician is told about at once.
URGENT_RANKS = (1, 2)

DEFAULT_MODE: dict[str, str] = {kind: Mode.EMAIL for kind in Kind.values}
DEFAULT_MODE[Kind.WO_ASSIGNED] = Mode.DIGEST


def backoff(attempts: int, *, base_seconds: int = 30, cap_seconds: int = 3600) -> dt.timedelta:
    """The wait before the next attempt after `attempts` failures: 30 s, 1 min, 2 min … at most an hour."""
    return dt.timedelta(seconds=min(cap_seconds, base_seconds * 2 ** max(0, attempts - 1)))


def notice_reminder_due(deadline: dt.date, today: dt.date) -> int | None:
    """The reminder (90, 30 or 7 days ahead) that is due on `today`: the nearest one already reached."""
    days_left = (deadline - today).days
    if days_left < 0:
        return None
    reached = [d for d in NOTICE_REMINDER_DAYS if days_left <= d]
    return min(reached) if reached else None


def in_quiet_hours(hour: int, quiet: tuple[int, int]) -> bool:
    """Whether `hour` falls in the quiet hours (start, end), which may wrap past midnight: (22, 7)."""
    start, end = quiet
    if start == end:
        return False
    return start <= hour < end if start < end else hour >= start or hour < end


def parse_quiet_hours(value: str) -> tuple[int, int]:
    """'22-7' → (22, 7); an empty value means none."""
    if not value.strip():
        return (0, 0)
    start, _, end = value.partition("-")
    hours = (int(start), int(end))
    if not all(0 <= h <= 23 for h in hours):
        raise ValueError(f"'{value}' is not quiet hours: write e.g. 22-7")
    return hours


def email_problem(address: str) -> str | None:
    """Why mail cannot go to `address` (None when it can)."""
    if not address.strip():
        return "The user has no e-mail address."
    try:
        validate_email(address)
    except ValidationError:
        return f"The e-mail address '{address}' is not valid."
    return None


def billing_runs_due(today: dt.date) -> list[tuple[str, str]]:
    """The billing runs (part, period) drafted on `today`: on the 1st the variable part of last month,
    and on 1 January and 1 July also the fixed part of the half-year starting (billed in advance)."""
    if today.day != 1:
        return []
    last_month = today - dt.timedelta(days=1)
    runs = [("variable", f"{last_month:%Y-%m}")]
    if today.month in (1, 7):
        runs.append(("fixed", f"{today.year}H{1 if today.month == 1 else 2}"))
    return runs


def vpi_reminder_due(today: dt.date) -> bool:
    """MT admin is reminded of next year's VPI figure every day of December until it is entered."""
    return today.month == 12
