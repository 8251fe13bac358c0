"""Invariants of the shared rules, tried on many generated inputs (Hypothesis).

The largest-remainder allocation behind every invoice split and Table 1's shares, and the working-time
calendar behind every SLA target. Month arithmetic has its own in test_dates.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from medtek.core.calendar import (
    DAY_END,
    DAY_START,
    TZ,
    add_working_hours,
    is_working_day,
    working_hours_between,
)
from medtek.core.money import ORE, allocate, shares_percent

FAST = settings(max_examples=150, deadline=None)

weights = st.dictionaries(
    keys=st.text(alphabet="abcdefghij", min_size=1, max_size=3),
    values=st.integers(min_value=0, max_value=100_000),
    min_size=1,
    max_size=12,
).filter(lambda w: sum(w.values()) > 0)
totals = st.integers(min_value=-(10**11), max_value=10**11).map(lambda ore: Decimal(ore) * ORE)


@FAST
@given(total=totals, weights=weights)
def test_the_parts_always_add_up_to_the_total(total, weights):
    assert sum(allocate(total, weights).values()) == total


@FAST
@given(total=totals, weights=weights)
def test_no_part_is_more_than_one_ore_from_its_exact_share(total, weights):
    whole = sum(weights.values())
    for key, part in allocate(total, weights).items():
        exact = total * Decimal(weights[key]) / Decimal(whole)
        assert abs(part - exact) < ORE


@FAST
@given(total=totals, weights=weights)
def test_the_allocation_is_the_same_every_time(total, weights):
    assert allocate(total, weights) == allocate(total, dict(weights))


@FAST
@given(counts=weights)
def test_percent_shares_have_one_decimal_and_sum_to_100(counts):
    shares = shares_percent(counts)
    assert sum(shares.values()) == Decimal("100.0")
    assert all(share == share.quantize(Decimal("0.1")) for share in shares.values())


starts = st.datetimes(
    min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2030, 12, 31), timezones=st.just(dt.UTC)
)
# Working hours in whole minutes, up to a month and a half of working days.
hours = st.integers(min_value=0, max_value=60 * 9 * 30).map(lambda minutes: Decimal(minutes) / 60)


@FAST
@given(start=starts, hours=hours)
def test_a_target_never_ends_in_a_weekend_a_public_holiday_or_outside_8_to_17(start, hours):
    target = add_working_hours(start, hours).astimezone(TZ)
    assert is_working_day(target.date())
    assert DAY_START <= target.time() <= DAY_END


@FAST
@given(start=starts, a=hours, b=hours)
def test_more_working_hours_never_give_an_earlier_target(start, a, b):
    low, high = sorted((a, b))
    assert add_working_hours(start, low) <= add_working_hours(start, high)


@FAST
@given(first=starts, second=starts, hours=hours)
def test_a_later_start_never_gives_an_earlier_target(first, second, hours):
    early, late = sorted((first, second))
    assert add_working_hours(early, hours) <= add_working_hours(late, hours)


@FAST
@given(start=starts, hours=hours)
def test_the_working_hours_to_the_target_are_the_hours_added(start, hours):
    target = add_working_hours(start, hours)
    assert abs(working_hours_between(start, target) - hours) <= Decimal("0.001")
