"""Swedish working time: weekdays 08-17 Europe/Stockholm, public holidays excluded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from medtek.core.calendar import add_working_hours, is_working_day, working_hours_between

TZ = ZoneInfo("Europe/Stockholm")


def at(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


def test_sundays_are_not_working_days_but_ordinary_mondays_are():
    assert not is_working_day(dt.date(2026, 6, 21))
    assert is_working_day(dt.date(2026, 6, 22))


def test_midsummer_day_and_national_day_are_holidays_midsummer_eve_is_not():
    assert not is_working_day(dt.date(2026, 6, 20))  # Midsummer Day (a Saturday anyway)
    assert not is_working_day(dt.date(2025, 6, 6))  # National Day on a Friday
    assert is_working_day(dt.date(2026, 6, 19))  # Midsummer Eve: customary, not a public holiday


def test_p2_reported_friday_16_before_midsummer_is_due_monday_11():
    # One working hour left on Friday 19 June 2026, then the weekend; three more hours on Monday.
    assert add_working_hours(at(2026, 6, 19, 16), 4) == at(2026, 6, 22, 11)


def test_a_report_in_the_evening_starts_counting_next_morning():
    assert add_working_hours(at(2026, 3, 10, 20), 2) == at(2026, 3, 11, 10)


def test_good_friday_and_easter_monday_are_skipped():
    # Thursday 2 April 2026 16:00 + 2 h: 1 h on Thursday, Good Friday and Easter Monday off, 1 h Tuesday.
    assert add_working_hours(at(2026, 4, 2, 16), 2) == at(2026, 4, 7, 9)


def test_deadline_at_the_end_of_the_day_stays_at_17():
    assert add_working_hours(at(2026, 3, 10, 8), 9) == at(2026, 3, 10, 17)


def test_working_hours_between_over_a_weekend():
    assert working_hours_between(at(2026, 3, 13, 16), at(2026, 3, 16, 10)) == Decimal("3.0000")


def test_working_hours_between_is_zero_when_end_is_before_start():
    assert working_hours_between(at(2026, 3, 16, 10), at(2026, 3, 13, 16)) == Decimal(0)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware datetime"):
        add_working_hours(dt.datetime(2026, 3, 10, 9), 1)
