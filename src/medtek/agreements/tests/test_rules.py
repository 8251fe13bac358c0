"""The agreement's own rules with its own dates and the appendix's rate (no database)."""

import datetime as dt
from decimal import Decimal

import pytest

from medtek.agreements import rules

D = dt.date
SOURCE = rules.Terms(valid_from=D(2026, 1, 1), valid_until=D(2027, 12, 31))


def test_the_notice_deadline_is_twelve_months_before_the_end():
    assert rules.next_notice_deadline(SOURCE, D(2026, 6, 1)) == D(2026, 12, 31)


def test_the_end_is_the_agreed_one_up_to_the_notice_deadline():
    assert rules.end_on(SOURCE, D(2026, 12, 31)) == D(2027, 12, 31)


def test_without_notice_the_end_moves_two_years_the_day_after_the_deadline():
    assert rules.end_on(SOURCE, D(2027, 1, 1)) == D(2029, 12, 31)
    assert rules.next_notice_deadline(SOURCE, D(2027, 1, 1)) == D(2028, 12, 31)


def test_the_extension_repeats_each_time():
    assert rules.end_on(SOURCE, D(2029, 1, 1)) == D(2031, 12, 31)


def test_notice_in_time_ends_the_agreement_at_its_end():
    terms = rules.Terms(valid_from=D(2026, 1, 1), valid_until=D(2027, 12, 31), terminated_on=D(2026, 12, 31))
    assert rules.end_on(terms, D(2027, 6, 1)) == D(2027, 12, 31)
    assert rules.status_on(terms, D(2028, 1, 1)) == "ended"


def test_late_notice_ends_the_agreement_after_the_extension():
    terms = rules.Terms(valid_from=D(2026, 1, 1), valid_until=D(2027, 12, 31), terminated_on=D(2027, 1, 1))
    assert rules.final_end(terms) == D(2029, 12, 31)


def test_an_unterminated_agreement_overlaps_any_later_one():
    later = rules.Terms(valid_from=D(2030, 1, 1), valid_until=D(2031, 12, 31))
    assert rules.overlaps(SOURCE, later)


def test_a_terminated_agreement_does_not_overlap_its_successor():
    before = rules.Terms(valid_from=D(2024, 1, 1), valid_until=D(2025, 12, 31), terminated_on=D(2024, 12, 12))
    assert not rules.overlaps(before, SOURCE)


@pytest.mark.parametrize(("text", "days"), [("90d", 90), ("12w", 84), ("30", 30)])
def test_spans_of_days(text, days):
    assert rules.parse_within(text) == days


def test_a_span_that_is_not_one_is_refused():
    with pytest.raises(ValueError, match=r"'soon' är inget antal dagar: skriv t.ex. 90d eller 12w"):
        rules.parse_within("soon")


def _rate(day, figures, rounding="krona"):
    return rules.indexed_rate(
        base_rate=Decimal("1123"), valid_from=D(2025, 1, 1), figures=figures, day=day, rounding=rounding
    )


def test_the_rate_of_2025_is_the_appendixs_1123():
    assert _rate(D(2025, 6, 30), {}) == Decimal("1123.00")


def test_the_rate_follows_the_index_from_1_january():
    assert _rate(D(2026, 1, 1), {2026: Decimal("3.0")}) == Decimal("1157.00")
    assert _rate(D(2026, 1, 1), {2026: Decimal("3.0")}, rounding="ore") == Decimal("1156.69")


def test_each_years_rounded_rate_is_the_base_of_the_next():
    assert _rate(D(2027, 5, 1), {2026: Decimal("3.0"), 2027: Decimal("2.0")}) == Decimal("1180.00")


def test_a_missing_figure_is_never_guessed():
    with pytest.raises(rules.MissingIndexFigure, match="Inget VPI-tal har förts in för 2027"):
        _rate(D(2027, 1, 1), {2026: Decimal("3.0")})


def test_notice_dated_in_the_future_is_refused_with_the_reason():
    assert rules.notice_date_refusal(D(2026, 12, 2), valid_from=D(2026, 1, 1), today=D(2026, 12, 1)) == (
        "Uppsägningen kan inte dateras i framtiden (2026-12-02): registrera en uppsägning när den har skett, "
        "daterad den dag den gjordes (senast i dag)."
    )


def test_notice_given_today_or_earlier_may_be_recorded():
    assert rules.notice_date_refusal(D(2026, 12, 1), valid_from=D(2026, 1, 1), today=D(2026, 12, 1)) is None
    assert rules.notice_date_refusal(D(2026, 11, 30), valid_from=D(2026, 1, 1), today=D(2026, 12, 1)) is None


@pytest.mark.parametrize(
    ("used", "level"),
    [("0", "ok"), ("31.99", "ok"), ("32", "warn"), ("40", "warn"), ("40.25", "over")],
)
def test_advice_hours_warn_from_80_percent_and_are_marked_beyond_the_limit(used, level):
    assert rules.advice_level(Decimal(used), Decimal("40")) == level


def test_without_an_advice_limit_there_is_no_level():
    assert rules.advice_level(Decimal("500"), None) == "none"
