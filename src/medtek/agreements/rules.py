"""Pure rules of agreements: validity, notice and automatic extension, and the indexed hourly rate.

The Jämtland agreement (Giltighetstid): valid 2026-01-01 – 2027-12-31; notice at least 12 months
before the end, otherwise it is extended by two years each time. Bilaga 1: 1123 kr/h from
2025-01-01, adjusted each year by the healthcare price index (VPI) published by SKR.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from medtek.agreements.choices import AgreementStatus, RateRounding
from medtek.core.dates import add_months_to_period_end

ROUNDING_UNIT = {RateRounding.KRONA: Decimal("1"), RateRounding.ORE: Decimal("0.01")}


@dataclass(frozen=True)
class Terms:
    """The dates that decide how long an agreement runs."""

    valid_from: dt.date
    valid_until: dt.date
    notice_months: int = 12
    extension_months: int = 24
    auto_extend: bool = True
    terminated_on: dt.date | None = None


def term_end(terms: Terms, extensions: int) -> dt.date:
    """The end of the agreement after `extensions` automatic extensions."""
    return add_months_to_period_end(terms.valid_until, extensions * terms.extension_months)


def notice_deadline(terms: Terms, end: dt.date) -> dt.date:
    """The last day on which notice ends the agreement at `end`."""
    return add_months_to_period_end(end, -terms.notice_months)


def _first_end_with_deadline_on_or_after(terms: Terms, day: dt.date) -> dt.date:
    if terms.extension_months <= 0:
        return terms.valid_until
    k = 0
    while notice_deadline(terms, term_end(terms, k)) < day:
        k += 1
    return term_end(terms, k)


def end_on(terms: Terms, day: dt.date) -> dt.date:
    """The agreement's end date as it stands on `day`.

    Without notice, a term whose notice deadline has passed is extended; a termination given on or
    before `day` ends the agreement at the first end whose deadline it met.
    """
    if not terms.auto_extend:
        return terms.valid_until
    if terms.terminated_on is not None and terms.terminated_on <= day:
        return _first_end_with_deadline_on_or_after(terms, terms.terminated_on)
    return _first_end_with_deadline_on_or_after(terms, day)


def next_notice_deadline(terms: Terms, day: dt.date) -> dt.date | None:
    """The last day to give notice, as it stands on `day` (None once terminated, ended or not renewing)."""
    if not terms.auto_extend:
        return None
    if terms.terminated_on is not None and terms.terminated_on <= day:
        return None
    end = end_on(terms, day)
    if day > end:
        return None
    return notice_deadline(terms, end)


def final_end(terms: Terms) -> dt.date | None:
    """The last day the agreement can run, or None while it extends itself until terminated."""
    if not terms.auto_extend:
        return terms.valid_until
    if terms.terminated_on is not None:
        return _first_end_with_deadline_on_or_after(terms, terms.terminated_on)
    return None


def status_on(terms: Terms, day: dt.date) -> AgreementStatus:
    if day < terms.valid_from:
        return AgreementStatus.NOT_STARTED
    if day > end_on(terms, day):
        return AgreementStatus.ENDED
    if terms.terminated_on is not None and terms.terminated_on <= day:
        return AgreementStatus.TERMINATED
    return AgreementStatus.IN_FORCE


def notice_date_refusal(given_on: dt.date, *, valid_from: dt.date, today: dt.date) -> str | None:
    """Why notice cannot be recorded as given on `given_on` (None when it can).

    A termination records notice already given (with the decision behind it): it is dated on the day it
    was given, never ahead, and not before the agreement starts.
    """
    if given_on > today:
        return _(
            "Notice cannot be dated in the future (%(day)s): record a termination once notice has been "
            "given, dated the day it was given (today at the latest)."
        ) % {"day": given_on.isoformat()}
    if given_on < valid_from:
        return _("Notice cannot be given before the agreement starts.")
    return None


def in_force_on(terms: Terms, day: dt.date) -> bool:
    return terms.valid_from <= day <= end_on(terms, day)


def overlaps(a: Terms, b: Terms) -> bool:
    """Whether two agreements can be in force on the same day (an unterminated one runs on)."""
    a_end, b_end = final_end(a), final_end(b)
    return (b_end is None or a.valid_from <= b_end) and (a_end is None or b.valid_from <= a_end)


WITHIN = re.compile(r"^\s*(\d{1,4})\s*([dw]?)\s*$")


def parse_within(value: str) -> int:
    """'90d' (days) or '12w' (weeks) as a number of days; ValueError with the reason otherwise."""
    match = WITHIN.match(value or "")
    if not match:
        raise ValueError(_("'%(value)s' is not a span of days: write e.g. 90d or 12w") % {"value": value})
    n, unit = int(match.group(1)), match.group(2) or "d"
    return n * 7 if unit == "w" else n


# --- The hourly rate and the price index -------------------------------------------------------


class RateError(ValueError):
    """No rate can be given for the day asked."""


class MissingIndexFigure(RateError):
    def __init__(self, year: int, index_name: str = "VPI") -> None:
        self.year = year
        super().__init__(
            _(
                "No %(index)s figure has been entered for %(year)s: the rate from %(year)s-01-01 cannot be "
                "computed. An MT admin enters the change published by SKR (with its reference) first."
            )
            % {"index": index_name, "year": year}
        )


def round_rate(value: Decimal, rounding: str) -> Decimal:
    unit = ROUNDING_UNIT[RateRounding(rounding)]
    return value.quantize(unit, rounding=ROUND_HALF_UP).quantize(Decimal("0.01"))


def indexed_rate(
    *,
    base_rate: Decimal,
    valid_from: dt.date,
    figures: Mapping[int, Decimal],
    day: dt.date,
    rounding: str,
    index_name: str = "VPI",
) -> Decimal:
    """The hourly rate in force on `day`.

    The base rate applies from `valid_from`; each 1 January after it the previous year's rate is
    multiplied by (1 + that year's index change in percent / 100) and rounded by `rounding`
    (half away from zero), and that rounded rate is the base of the next year.
    """
    if day < valid_from:
        raise RateError(
            _("The rate schedule starts %(start)s; there is no rate for %(day)s.")
            % {"start": valid_from.isoformat(), "day": day.isoformat()}
        )
    rate = Decimal(base_rate)
    for year in range(valid_from.year + 1, day.year + 1):
        if year not in figures:
            raise MissingIndexFigure(year, index_name)
        rate = round_rate(rate * (Decimal(100) + Decimal(figures[year])) / Decimal(100), rounding)
    return rate.quantize(Decimal("0.01"))


def rate_table(
    *,
    base_rate: Decimal,
    valid_from: dt.date,
    figures: Mapping[int, Decimal],
    rounding: str,
    until_year: int,
) -> list[tuple[int, dt.date, Decimal | None]]:
    """(year, in force from, rate or None when that year's index figure is missing) up to `until_year`."""
    rows: list[tuple[int, dt.date, Decimal | None]] = []
    rate: Decimal | None = Decimal(base_rate).quantize(Decimal("0.01"))
    rows.append((valid_from.year, valid_from, rate))
    for year in range(valid_from.year + 1, until_year + 1):
        if rate is not None and year in figures:
            rate = round_rate(rate * (Decimal(100) + Decimal(figures[year])) / Decimal(100), rounding)
        else:
            rate = None
        rows.append((year, dt.date(year, 1, 1), rate))
    return rows


# Advice in limited scope (J13): a warning when a customer has used this share of its yearly advice hours.
ADVICE_WARN_SHARE = Decimal("0.8")


def advice_level(used: Decimal, limit: Decimal | None) -> str:
    """ "none" without a limit, "ok" below 80 %, "warn" from 80 % up to the limit, "over" beyond it."""
    if limit is None:
        return "none"
    if used > limit:
        return "over"
    if used >= limit * ADVICE_WARN_SHARE:
        return "warn"
    return "ok"
