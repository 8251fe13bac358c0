import datetime as dt

from medtek.notifications import rules


def test_backoff_doubles_from_thirty_seconds_up_to_an_hour():
    assert [rules.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert rules.backoff(20) == dt.timedelta(hours=1)


def test_notice_reminder_is_the_nearest_of_90_30_and_7_days_reached():
    deadline = dt.date(2026, 12, 31)
    assert rules.notice_reminder_due(deadline, dt.date(2026, 9, 1)) is None
    assert rules.notice_reminder_due(deadline, dt.date(2026, 10, 2)) == 90
    assert rules.notice_reminder_due(deadline, dt.date(2026, 12, 1)) == 30
    assert rules.notice_reminder_due(deadline, dt.date(2026, 12, 24)) == 7
    assert rules.notice_reminder_due(deadline, dt.date(2027, 1, 1)) is None


def test_quiet_hours_wrap_past_midnight():
    quiet = rules.parse_quiet_hours("22-7")
    assert [h for h in range(24) if rules.in_quiet_hours(h, quiet)] == [0, 1, 2, 3, 4, 5, 6, 22, 23]
    assert not rules.in_quiet_hours(3, rules.parse_quiet_hours(""))


def test_an_address_without_a_domain_is_not_valid():
    assert rules.email_problem("berg") == "The e-mail address 'berg' is not valid."
    assert rules.email_problem("") == "The user has no e-mail address."
    assert rules.email_problem("anna@berg.se") is None


def test_vpi_reminder_only_in_december():
    assert rules.vpi_reminder_due(dt.date(2026, 12, 1))
    assert not rules.vpi_reminder_due(dt.date(2026, 11, 30))


def test_billing_runs_are_drafted_on_the_first_and_the_fixed_part_half_yearly():
    assert rules.billing_runs_due(dt.date(2026, 3, 1)) == [("variable", "2026-02")]
    assert rules.billing_runs_due(dt.date(2026, 7, 1)) == [("variable", "2026-06"), ("fixed", "2026H2")]
    assert rules.billing_runs_due(dt.date(2027, 1, 1)) == [("variable", "2026-12"), ("fixed", "2027H1")]
    assert rules.billing_runs_due(dt.date(2026, 7, 2)) == []
