"""The one month arithmetic: Python's `add_months`, its agreement-term variant, and the planner's SQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from medtek.core.dates import add_months, add_months_sql, add_months_to_period_end

D = dt.date


def sql_add_months(day: dt.date, months: int) -> dt.date:
    """`add_months` evaluated by the database the tests run on, as the PM planner does (on columns)."""
    expression = add_months_sql("t.d", "t.m", connection.vendor)
    if connection.vendor == "postgresql":
        source = "SELECT CAST(%s AS date) AS d, CAST(%s AS integer) AS m"
    else:
        source = "SELECT %s AS d, %s AS m"  # SQLite stores dates as YYYY-MM-DD text
    with connection.cursor() as cur:
        cur.execute(f"SELECT {expression} FROM ({source}) AS t", [day.isoformat(), months])
        value = cur.fetchone()[0]
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


CASES = [
    (D(2026, 1, 31), 1, D(2026, 2, 28)),  # 31st into February
    (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
    (D(2027, 11, 30), 3, D(2028, 2, 29)),
    (D(2026, 8, 31), 6, D(2027, 2, 28)),
    (D(2026, 3, 31), 1, D(2026, 4, 30)),  # 31st into a 30-day month
    (D(2026, 5, 31), 4, D(2026, 9, 30)),
    (D(2026, 11, 30), 6, D(2027, 5, 30)),  # the same day, not the month's end
    (D(2028, 2, 29), 12, D(2029, 2, 28)),
    (D(2026, 10, 15), 6, D(2027, 4, 15)),
    (D(2025, 12, 31), 12, D(2026, 12, 31)),
    (D(2026, 1, 1), 0, D(2026, 1, 1)),
]


@pytest.mark.parametrize(("day", "months", "expected"), CASES)
def test_add_months_keeps_the_day_clamped_to_the_months_last_day(day, months, expected):
    assert add_months(day, months) == expected


def test_add_months_goes_backwards_across_a_year():
    assert add_months(D(2027, 3, 31), -13) == D(2026, 2, 28)


def test_an_agreement_term_ending_on_a_months_last_day_keeps_ending_on_one():
    assert add_months_to_period_end(D(2026, 11, 30), 6) == D(2027, 5, 31)
    assert add_months_to_period_end(D(2027, 12, 31), 24) == D(2029, 12, 31)
    assert add_months_to_period_end(D(2027, 12, 31), -12) == D(2026, 12, 31)
    assert add_months_to_period_end(D(2027, 2, 28), 12) == D(2028, 2, 29)
    assert add_months_to_period_end(D(2026, 6, 30), 6) == D(2026, 12, 31)


def test_an_agreement_term_ending_mid_month_moves_like_add_months():
    assert add_months_to_period_end(D(2026, 10, 15), 6) == D(2027, 4, 15)


@pytest.mark.django_db
@pytest.mark.parametrize(("day", "months", "expected"), [c for c in CASES if c[1] >= 0])
def test_the_planners_sql_gives_the_same_date(day, months, expected):
    assert sql_add_months(day, months) == expected


dates = st.dates(min_value=D(1990, 1, 1), max_value=D(2200, 12, 31))


@pytest.mark.django_db
@settings(max_examples=150, deadline=None)
@given(day=dates, months=st.integers(min_value=0, max_value=240))
def test_sql_and_python_agree_on_any_date(day, months):
    assert sql_add_months(day, months) == add_months(day, months)


@settings(max_examples=300, deadline=None)
@given(day=dates, months=st.integers(min_value=-240, max_value=240))
def test_the_result_is_never_past_the_original_day_of_month(day, months):
    moved = add_months(day, months)
    assert moved.day <= day.day
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months


@settings(max_examples=300, deadline=None)
@given(day=st.dates(min_value=D(1990, 1, 1), max_value=D(2200, 12, 28)), months=st.integers(-240, 240))
def test_moving_there_and_back_returns_the_day_when_it_exists_in_both_months(day, months):
    if day.day <= 28:
        assert add_months(add_months(day, months), -months) == day


@settings(max_examples=300, deadline=None)
@given(day=dates, a=st.integers(0, 120), b=st.integers(0, 120))
def test_adding_months_in_two_steps_never_ends_later_than_in_one(day, a, b):
    assert add_months(add_months(day, a), b) <= add_months(day, a + b)
