"""Key figures: one definition of each figure, the same on the page, in the API and in the follow-up."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medtek.inventory.choices import DeviceStatus
from medtek.inventory.tests.factories import DeviceFactory
from medtek.maintenance import key_figures, selectors
from medtek.maintenance.choices import WorkOrderKind, WorkOrderStatus
from medtek.maintenance.models import DevicePMState
from medtek.maintenance.tests.factories import CMPriorityFactory, WorkOrderFactory

pytestmark = pytest.mark.django_db

TZ = dt.UTC
START, END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _fu(customer: Any, due: dt.date, done: dt.date | None = None, approved: bool | None = None) -> Any:
    return WorkOrderFactory(
        kind=WorkOrderKind.PM,
        customer=customer,
        due_date=due,
        status=WorkOrderStatus.DONE if done else WorkOrderStatus.ACCEPTED,
        done_at=dt.datetime.combine(done, dt.time(12), tzinfo=TZ) if done else None,
        approved=approved,
        accepted_at=None,
    )


def _au(customer: Any, reported: dt.datetime, *, accepted_h: float, done_h: float | None) -> Any:
    """An AU with a 4 h response and 16 h resolution target, answered and done after the given hours."""
    return WorkOrderFactory(
        customer=customer,
        reported_at=reported,
        accepted_at=reported + dt.timedelta(hours=accepted_h),
        done_at=reported + dt.timedelta(hours=done_h) if done_h is not None else None,
        status=WorkOrderStatus.DONE if done_h is not None else WorkOrderStatus.ACCEPTED,
        response_due_at=reported + dt.timedelta(hours=4),
        resolution_due_at=reported + dt.timedelta(hours=16),
    )


@pytest.fixture
def berg_quarter(world: Any) -> Any:
    """Berg: 4 FU due in the quarter, 3 done on time of which 1 not approved, 1 still open;
    2 AU: one answered in 2 h and done in 10 h, one answered in 6 h and done in 20 h."""
    _fu(world.berg, dt.date(2026, 1, 20), done=dt.date(2026, 1, 19), approved=True)
    _fu(world.berg, dt.date(2026, 2, 20), done=dt.date(2026, 2, 20), approved=True)
    _fu(world.berg, dt.date(2026, 2, 25), done=dt.date(2026, 2, 24), approved=False)
    _fu(world.berg, dt.date(2026, 3, 10))
    _fu(world.berg, dt.date(2026, 4, 10))  # due after the period: not counted
    _au(world.berg, dt.datetime(2026, 1, 12, 8, tzinfo=TZ), accepted_h=2, done_h=10)
    _au(world.berg, dt.datetime(2026, 3, 2, 8, tzinfo=TZ), accepted_h=6, done_h=20)
    _fu(world.ostersund, dt.date(2026, 1, 5), done=dt.date(2026, 1, 30), approved=True)  # late
    return world


def _figures(world: Any) -> dict[str, Any]:
    table = key_figures.by_customer(user=world.admin, start=START, end=END, today=dt.date(2026, 3, 31))
    return {r["customer"]: r for r in table["rows"]} | {"total": table["total"]}


def test_fu_completion_counts_done_on_time_and_approved_over_due(berg_quarter: Any) -> None:
    berg = _figures(berg_quarter)["Bergs kommun"]
    counts = [berg[k] for k in ("pm_due", "pm_done", "pm_not_approved", "pm_done_on_time")]
    assert (counts, berg["pm_completion_rate"]) == ([4, 3, 1, 2], 50)


def test_au_within_target_counts_response_and_resolution_separately(berg_quarter: Any) -> None:
    berg = _figures(berg_quarter)["Bergs kommun"]
    assert (berg["cm_count"], berg["cm_response_within"], berg["cm_response_measured"]) == (2, 1, 2)
    assert (berg["cm_resolution_within"], berg["cm_resolution_measured"], berg["mttr_hours"]) == (1, 2, 15)


def test_the_total_row_is_the_sum_of_the_customers(berg_quarter: Any) -> None:
    figures = _figures(berg_quarter)
    total, rows = figures.pop("total"), figures.values()
    for name in key_figures.COUNTS:
        assert total[name] == sum(r[name] for r in rows), name
    assert (total["pm_due"], total["pm_done_on_time"], total["pm_completion_rate"]) == (5, 2, 40)


def test_overdue_fu_is_the_fu_pages_count_and_ignores_devices_out_of_the_register(world: Any) -> None:
    today = timezone.localdate()
    for i, status in enumerate([DeviceStatus.IN_USE, DeviceStatus.BLOCKED, DeviceStatus.SCRAPPED]):
        device = DeviceFactory(owner=world.berg, status=status)
        DevicePMState.objects.create(device=device, next_due=today - dt.timedelta(days=1 + i))
    DevicePMState.objects.create(device=DeviceFactory(owner=world.berg), next_due=today)  # due, not overdue
    fu_page = {r["customer"]: r["overdue"] for r in selectors.pm_due_by_customer(user=world.admin)}
    table = key_figures.by_customer(user=world.admin, start=today.replace(month=1, day=1), end=today)
    berg = next(r for r in table["rows"] if r["customer"] == "Bergs kommun")
    assert (berg["pm_overdue"], fu_page["Bergs kommun"]) == (2, 2)


def test_the_all_customers_table_takes_a_fixed_number_of_queries(
    berg_quarter: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(20):
        DeviceFactory(owner=berg_quarter.ostersund if i % 2 else berg_quarter.berg)
        _au(berg_quarter.ostersund, dt.datetime(2026, 2, 1 + i, 8, tzinfo=TZ), accepted_h=1, done_h=3)
    with django_assert_max_num_queries(8):
        key_figures.by_customer(user=berg_quarter.admin, start=START, end=END)


def test_the_page_takes_a_fixed_number_of_queries(
    berg_quarter: Any, django_assert_max_num_queries: Any
) -> None:
    client, period = client_for(berg_quarter.admin), {"start": "2026-01-01", "end": "2026-03-31"}
    with django_assert_max_num_queries(20):
        response = client.get(reverse("maintenance:key_figures"), period)
    assert response.status_code == 200


def test_a_customer_sees_only_its_own_row(berg_quarter: Any) -> None:
    table = key_figures.by_customer(user=berg_quarter.berg_contact, start=START, end=END)
    assert [r["customer"] for r in table["rows"]] == ["Bergs kommun"]


def test_the_page_shows_every_customer_a_total_row_and_the_charts_by_month(berg_quarter: Any) -> None:
    response = client_for(berg_quarter.admin).get(
        reverse("maintenance:key_figures"), {"start": "2026-01-01", "end": "2026-03-31"}
    )
    html = response.content.decode()
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 3
    for month in ("Jan 2026", "Feb 2026", "Mar 2026"):
        assert f">{month}</text>" in html
    assert 'id="kf-total"' in html and "Östersunds kommun" in html and "Bergs kommun" in html
    assert " style=" not in html.split("<main", 1)[-1]


def test_the_page_defaults_to_this_year_to_date(world: Any) -> None:
    response = client_for(world.admin).get(reverse("maintenance:key_figures"))
    today = timezone.localdate()
    assert (response.context["start"], response.context["end"]) == (today.replace(month=1, day=1), today)


def test_the_last_twelve_whole_months_is_one_click_away(world: Any) -> None:
    response = client_for(world.admin).get(reverse("maintenance:key_figures"), {"period": "12m"})
    this_month = timezone.localdate().replace(day=1)
    assert response.context["start"] == this_month.replace(year=this_month.year - 1)
    assert response.context["end"] == this_month - dt.timedelta(days=1)
    assert 'href="?period=12m"' in response.content.decode()


@pytest.mark.parametrize(
    ("today", "start", "end"),
    [
        (dt.date(2026, 12, 2), dt.date(2025, 12, 1), dt.date(2026, 11, 30)),
        (dt.date(2026, 1, 31), dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        (dt.date(2028, 3, 1), dt.date(2027, 3, 1), dt.date(2028, 2, 29)),
    ],
)
def test_the_last_twelve_whole_months_leave_out_the_month_in_progress(
    today: dt.date, start: dt.date, end: dt.date
) -> None:
    assert key_figures.last_twelve_months(today) == (start, end)
    assert key_figures.whole_months(start, end) == (start, end.replace(day=1), [])  # nothing read live
    assert len(key_figures.months_between(start, end)) == 12


def test_the_period_button_reads_senaste_12_hela_manaderna_in_swedish(world: Any) -> None:
    from django.utils import translation

    with translation.override("sv"):
        response = client_for(world.admin).get(reverse("maintenance:key_figures"), HTTP_ACCEPT_LANGUAGE="sv")
    assert "Senaste 12 hela månaderna" in response.content.decode()


def test_the_page_in_swedish_says_nyckeltal_installelsetid_and_atgardstid(world: Any) -> None:
    from django.utils import translation

    with translation.override("sv"):
        response = client_for(world.admin).get(reverse("maintenance:key_figures"), HTTP_ACCEPT_LANGUAGE="sv")
    html = response.content.decode()
    assert "Nyckeltal" in html and "Inställelsetid" in html and "Åtgärdstid" in html


def test_the_api_gives_the_same_figures_as_the_page(berg_quarter: Any) -> None:
    response = client_for(berg_quarter.admin).get(
        "/api/v1/maintenance/key-figures",
        {"customer": berg_quarter.berg.pk, "start": "2026-01-01", "end": "2026-03-31"},
    )
    body = response.json()
    assert (body["pm_due"], body["pm_done_on_time"], body["pm_completion_rate"]) == (4, 2, "50.0")


def test_the_agreement_follow_up_counts_fu_as_the_key_figures_do(berg_quarter: Any) -> None:
    from medtek.agreements.tests.factories import AgreementFactory
    from medtek.reports.followup import followup

    agreement = AgreementFactory(provider=berg_quarter.mt, customers=[berg_quarter.berg])
    report = followup(user=berg_quarter.admin, agreement_id=agreement.pk, year=2026)
    berg = next(row for row in report["rows"] if row["customer"] == berg_quarter.berg)
    year = key_figures.by_customer(
        user=berg_quarter.admin, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    figures = next(r for r in year["rows"] if r["customer"] == "Bergs kommun")
    assert (berg["pm_done"], berg["pm_on_time"], berg["cm"]) == (3, 2, 2)
    assert (figures["pm_done"], figures["pm_done_on_time"], figures["cm_count"]) == (3, 2, 2)


def test_the_api_gives_every_customer_and_the_total(berg_quarter: Any) -> None:
    response = client_for(berg_quarter.admin).get(
        "/api/v1/maintenance/key-figures/customers", {"start": "2026-01-01", "end": "2026-03-31"}
    )
    body = response.json()
    assert [r["customer"] for r in body["rows"]] == ["Bergs kommun", "Östersunds kommun"]
    assert (body["total"]["pm_due"], body["total"]["pm_done_on_time"]) == (5, 2)


def test_the_api_refuses_a_period_that_ends_before_it_starts(world: Any) -> None:
    response = client_for(world.admin).get(
        "/api/v1/maintenance/key-figures/customers", {"start": "2026-03-31", "end": "2026-01-01"}
    )
    assert (response.status_code, response.json()["errors"]["end"]) == (
        422,
        ["Perioden slutar innan den börjar."],
    )


def test_fu_completion_per_month_for_one_customer(berg_quarter: Any) -> None:
    table = key_figures.by_customer(user=berg_quarter.admin, start=START, end=END)
    months = key_figures.by_month(table, customer_id=berg_quarter.berg.pk)
    rates = [(m["month"].month, m["pm_due"], m["pm_completion_rate"]) for m in months]
    assert rates == [(1, 1, 100), (2, 2, 50), (3, 1, 0)]


def test_the_page_refuses_a_period_longer_than_five_years(world: Any) -> None:
    response = client_for(world.admin).get(
        reverse("maintenance:key_figures"), {"start": "1900-01-01", "end": "2026-01-01"}
    )
    assert response.status_code == 422
    assert "Välj en period på högst fem år." in response.content.decode()


def test_open_work_is_counted_by_priority_in_rank_order_fu_and_untriaged_last(world: Any) -> None:
    urgent = CMPriorityFactory(code="P1", name="Patientsäkerhet", rank=1)
    planned = CMPriorityFactory(code="P4", name="Planerat", rank=4)
    for priority, n in ((planned, 2), (urgent, 1), (None, 1)):
        for _i in range(n):
            WorkOrderFactory(customer=world.berg, priority=priority)
    WorkOrderFactory(customer=world.berg, priority=urgent, status=WorkOrderStatus.CLOSED)  # not open
    WorkOrderFactory(customer=world.foreign, priority=urgent)  # another department's
    _fu(world.berg, timezone.localdate())
    rows = [(r["label"], r["n"]) for r in key_figures.backlog(user=world.admin)]
    assert rows == [("P1 Patientsäkerhet", 1), ("P4 Planerat", 2), ("PM", 1), ("Not triaged", 1)]
