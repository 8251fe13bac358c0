"""Swedish working time: weekdays 08:00-17:00 Europe/Stockholm, public holidays excluded.

Public holidays come from the `holidays` package's Sweden calendar with `include_sundays=False`
(by default it lists every Sunday as a holiday). Days that are only customarily free (midsummer eve,
Christmas eve, New Year's eve) are not public holidays and count as working days.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

TZ = ZoneInfo("Europe/Stockholm")
DAY_START = dt.time(8, 0)
DAY_END = dt.time(17, 0)
HOURS_PER_DAY = 9
_MAX_DAYS = 366 * 20


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.Sweden(include_sundays=False, years=year).keys())


def is_public_holiday(day: dt.date) -> bool:
    return day in _holidays_of(day.year)


def is_working_day(day: dt.date) -> bool:
    """A weekday that is not a Swedish public holiday."""
    return day.weekday() < 5 and not is_public_holiday(day)


def _local(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("working-time arithmetic needs an aware datetime")
    return moment.astimezone(TZ)


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=TZ)


def add_working_hours(start: dt.datetime, hours: Decimal | int | float) -> dt.datetime:
    """The moment `hours` of working time after `start` (returned in Europe/Stockholm).

    A deadline that falls exactly at the end of a working day stays there (17:00), it does not
    roll to the next morning.
    """
    remaining = dt.timedelta(hours=float(hours))
    if remaining < dt.timedelta(0):
        raise ValueError("hours cannot be negative")
    current = _local(start)
    for _ in range(_MAX_DAYS):
        day = current.date()
        if is_working_day(day):
            opens, closes = _at(day, DAY_START), _at(day, DAY_END)
            if current < opens:
                current = opens
            if current < closes:
                available = closes - current
                if remaining <= available:
                    return current + remaining
                remaining -= available
        current = _at(day + dt.timedelta(days=1), DAY_START)
    raise ValueError("deadline too far in the future")


def working_hours_between(start: dt.datetime, end: dt.datetime) -> Decimal:
    """Working hours from `start` to `end` (0 if end is not after start), to the second."""
    begin, finish = _local(start), _local(end)
    if finish <= begin:
        return Decimal(0)
    total = dt.timedelta(0)
    day = begin.date()
    while day <= finish.date():
        if is_working_day(day):
            lo = max(begin, _at(day, DAY_START))
            hi = min(finish, _at(day, DAY_END))
            if hi > lo:
                total += hi - lo
        day += dt.timedelta(days=1)
    return (Decimal(int(total.total_seconds())) / Decimal(3600)).quantize(Decimal("0.0001"))


def add_hours(start: dt.datetime, hours: Decimal | int | float, *, working_time: bool) -> dt.datetime:
    """`hours` after `start`, counted in working time or in calendar time."""
    if working_time:
        return add_working_hours(start, hours)
    return _local(start) + dt.timedelta(hours=float(hours))


def hours_between(start: dt.datetime, end: dt.datetime, *, working_time: bool) -> Decimal:
    if working_time:
        return working_hours_between(start, end)
    seconds = max(0, int((end - start).total_seconds()))
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.0001"))
