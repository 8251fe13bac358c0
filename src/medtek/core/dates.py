"""Calendar-month arithmetic: the one `add_months` every app uses (and its SQL twin for set-based queries).

The rule is the usual calendar one: the same day of the month, clamped to the target month's last day
(31 August + 6 months = 28 February; 30 November + 6 months = 30 May). A term that runs to a month's
last day (an agreement's validity, its extensions and notice) keeps ending on one
(`add_months_to_period_end`: 30 November + 6 months = 31 May).
"""

from __future__ import annotations

import calendar
import datetime as dt

ONE_DAY = dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole calendar months; a day the target month lacks becomes its last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_months_to_period_end(end: dt.date, months: int) -> dt.date:
    """The end of a term ending on `end` once moved by whole months.

    Agreement terms run to a month's last day (half-years, whole years): a term that ends on a month's
    last day keeps ending on one (30 November + 6 months = 31 May, 28 February 2027 + 12 months =
    29 February 2028); any other end day moves like `add_months`.
    """
    moved = add_months(end, months)
    if (end + ONE_DAY).day != 1:
        return moved
    return moved.replace(day=calendar.monthrange(moved.year, moved.month)[1])


def add_months_sql(date_col: str, months_col: str, vendor: str) -> str:
    """SQL for `add_months(date_col, months_col)` on `vendor` ("postgresql" or "sqlite")."""
    if vendor == "postgresql":
        # PostgreSQL's interval arithmetic already clamps to the month's last day.
        return f"CAST({date_col} + make_interval(months => {months_col}) AS date)"
    # SQLite's '+N months' rolls 31 January + 1 month over into March; keep the day of month but not
    # past the target month's last day.
    day_of_month = f"CAST(substr({date_col}, 9, 2) AS INTEGER)"  # dates are stored as YYYY-MM-DD
    same_day = (
        f"date({date_col}, 'start of month', '+' || {months_col} || ' months', "
        f"'+' || ({day_of_month} - 1) || ' days')"
    )
    month_end = f"date({date_col}, 'start of month', '+' || ({months_col} + 1) || ' months', '-1 day')"
    return f"min({same_day}, {month_end})"
