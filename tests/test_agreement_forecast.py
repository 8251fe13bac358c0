"""Planning together (J5): FU hours per customer and month for the next 12 months, AU hours from the last
12 months, against MT's capacity; set-based (a fixed number of queries whatever the number of devices)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from medtek.agreements.models import Agreement
from medtek.maintenance.models import DevicePMState
from medtek.reports.forecast import forecast, month_slots

START = dt.date(2026, 3, 1)


def test_a_pm_every_six_months_due_in_april_falls_in_april_and_october():
    assert month_slots(dt.date(2026, 4, 15), 6, START) == [1, 7]


def test_an_overdue_pm_falls_in_the_first_month_and_then_every_interval():
    assert month_slots(dt.date(2025, 11, 2), 12, START) == [0]
    assert month_slots(dt.date(2025, 11, 2), 4, START) == [0, 4, 8]


def test_a_pm_due_after_the_horizon_is_not_counted():
    assert month_slots(dt.date(2027, 3, 1), 12, START) == []


@pytest.mark.django_db
@override_settings(MEDTEK_FORECAST_FU_HOURS="1.5", MEDTEK_MT_CAPACITY_HOURS={"MT-RJH": 480})
def test_ostersunds_fu_hours_per_month_match_its_devices_pm_states_against_capacity(demo):
    agreement = Agreement.objects.get(reference="RJH-MT-2026")
    ostersund = demo["orgs"]["OSTERSUND"]
    with CaptureQueriesContext(connection) as queries:
        report = forecast(user=demo["users"]["mt-admin"], agreement_id=agreement.pk, start=START)
    assert len(queries) < 20
    expected = [Decimal("0")] * 12
    states = DevicePMState.objects.filter(
        device__owner=ostersund, device__external_maintainer__isnull=True, next_due__isnull=False
    )
    for state in states:
        for slot in month_slots(state.next_due, state.interval_months, START):
            expected[slot] += Decimal("1.5")
    row = next(r for r in report["rows"] if r["customer"] == ostersund)
    assert row["fu"] == [e.quantize(Decimal("0.1")) for e in expected]
    assert sum(row["fu"]) > 0
    assert report["capacity"] == Decimal("480")
    client = Client()
    client.force_login(demo["users"]["mt-admin"])
    page = client.get(f"/reports/agreements/{agreement.pk}/forecast/").content.decode()
    assert "Östersunds kommun" in page and "<svg" in page


def test_the_chart_coordinates_are_plain_numbers_whatever_the_language():
    from medtek.reports.forecast import chart

    data = chart([START], [Decimal("50")], Decimal("100"))
    assert data["bars"][0]["h"] == "100.0" and data["capacity_y"] == "0.0"
