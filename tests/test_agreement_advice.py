"""Advice in limited scope (J13): advice hours per customer and year against the agreement's limit."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from medtek.agreements import services
from medtek.agreements.models import Agreement
from medtek.billing.tests.helpers import billable_work_order
from medtek.maintenance.choices import WorkOrderKind
from medtek.reports.advice import advice_usage

pytestmark = pytest.mark.django_db


def _advice(demo, code: str, hours: str) -> None:
    billable_work_order(
        customer=demo["orgs"][code],
        technician=demo["users"]["mt-admin"],
        day=dt.date(2026, 5, 4),
        kind=WorkOrderKind.ADVICE,
        hours=hours,
    )


def test_advice_hours_show_against_the_limit_with_a_warning_at_80_percent_and_a_mark_beyond(demo):
    agreement = Agreement.objects.get(reference="RJH-MT-2026")
    services.agreement_set_advice_limit(user=demo["users"]["mt-admin"], agreement=agreement, hours="10")
    _advice(demo, "BERG", "8.50")
    _advice(demo, "OSTERSUND", "6.00")
    _advice(demo, "OSTERSUND", "5.00")
    report = advice_usage(user=demo["users"]["mt-admin"], agreement_id=agreement.pk, year=2026)
    rows = {r["customer"].short_code: (r["used"], r["level"]) for r in report["rows"]}
    assert rows["BERG"] == (Decimal("8.50"), "warn")
    assert rows["OSTERSUND"] == (Decimal("11.00"), "over")
    assert rows["KROKOM"] == (Decimal("0.00"), "ok")
    client = Client()
    client.force_login(demo["users"]["mt-admin"])
    page = client.get(f"/reports/agreements/{agreement.pk}/advice/?year=2026").content.decode()
    assert "Över gränsen" in page and "Nära gränsen" in page


def test_a_customer_sees_only_its_own_advice_hours(demo):
    agreement = Agreement.objects.get(reference="RJH-MT-2026")
    _advice(demo, "OSTERSUND", "6.00")
    report = advice_usage(user=demo["users"]["berg"], agreement_id=agreement.pk, year=2026)
    assert [r["customer"].short_code for r in report["rows"]] == ["BERG"]


def test_an_advice_limit_below_zero_is_refused_and_nothing_is_written(demo):
    agreement = Agreement.objects.get(reference="RJH-MT-2026")
    with pytest.raises(ValidationError) as exc:
        services.agreement_set_advice_limit(user=demo["users"]["mt-admin"], agreement=agreement, hours="-1")
    assert exc.value.message_dict["advice_hours_limit"] == [
        "En rådgivningsgräns kan inte vara under noll timmar."
    ]
    agreement.refresh_from_db()
    assert agreement.advice_hours_limit is None


def test_the_api_sets_the_advice_limit_and_refuses_unknown_fields(demo):
    agreement = Agreement.objects.get(reference="RJH-MT-2026")
    client = Client()
    client.force_login(demo["users"]["mt-admin"])
    url = f"/api/v1/agreements/{agreement.pk}/advice-limit"
    bad = client.post(url, json.dumps({"advice_hours_limit": "12", "x": 1}), content_type="application/json")
    assert bad.status_code == 422
    ok = client.post(url, json.dumps({"advice_hours_limit": "12.5"}), content_type="application/json")
    assert ok.status_code == 200
    assert Decimal(str(ok.json()["advice_hours_limit"])) == Decimal("12.5")


def test_a_contracted_care_providers_advice_counts_toward_its_municipalitys_limit(demo):
    """Vårda Omsorg AB works under contract with Östersund, so it counts as Östersund: its 3.50 h of
    advice and Östersund's own 5.00 h make 8.50 h of a 10 h limit (85 %, a warning)."""
    agreement = Agreement.objects.get(reference="RJH-MT-2026")
    services.agreement_set_advice_limit(user=demo["users"]["mt-admin"], agreement=agreement, hours="10")
    _advice(demo, "OSTERSUND", "5.00")
    _advice(demo, "VARDA", "3.50")
    report = advice_usage(user=demo["users"]["mt-admin"], agreement_id=agreement.pk, year=2026)
    rows = {r["customer"].short_code: r for r in report["rows"]}
    ostersund = rows["OSTERSUND"]
    assert (ostersund["used"], ostersund["share"], ostersund["level"]) == (
        Decimal("8.50"),
        Decimal("85"),
        "warn",
    )
    assert ostersund["parts"] == [("Vårda Omsorg AB (Östersund)", Decimal("3.50"))]
    assert "VARDA-OSD" not in rows
    _advice(demo, "VARDA", "2.00")
    report = advice_usage(user=demo["users"]["ostersund"], agreement_id=agreement.pk, year=2026)
    [row] = report["rows"]
    assert (row["used"], row["level"]) == (Decimal("10.50"), "over")
    assert row["parts"] == []  # Östersund's contact does not see the provider, only the hours it adds
    client = Client()
    client.force_login(demo["users"]["mt-admin"])
    page = client.get(f"/reports/agreements/{agreement.pk}/advice/?year=2026").content.decode()
    assert "inkl. Vårda Omsorg AB (Östersund): 5,50 h" in page
