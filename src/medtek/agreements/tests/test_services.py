"""Agreements and rates through the services, the API, the pages and the command."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from medtek.agreements import selectors, services
from medtek.agreements.models import Agreement
from medtek.core.models import Event

pytestmark = pytest.mark.django_db


def _new(demo, **kw):
    orgs = demo["orgs"]
    defaults = dict(
        user=demo["users"]["mt-admin"],
        provider=orgs["MT"],
        seller=orgs["RJH"],
        reference="NEW",
        title="Ny",
        valid_from=dt.date(2028, 1, 1),
        valid_until=dt.date(2029, 12, 31),
        customers=[(orgs["BERG"], "MAS Berg")],
    )
    defaults.update(kw)
    return services.agreement_create(**defaults)


def test_the_demo_agreement_shows_its_notice_deadline_and_current_end(demo):
    agreement = demo["agreements"]["RJH-MT-2026"]
    assert agreement.notice_deadline_on(dt.date(2026, 6, 1)) == dt.date(2026, 12, 31)
    assert agreement.end_on(dt.date(2026, 12, 31)) == dt.date(2027, 12, 31)
    assert agreement.end_on(dt.date(2027, 1, 1)) == dt.date(2029, 12, 31)


def test_an_overlapping_agreement_for_the_same_customer_is_refused_and_nothing_is_written(demo):
    before = (Agreement.objects.count(), Event.objects.count())
    with pytest.raises(ValidationError) as exc:
        _new(demo)
    assert exc.value.message_dict["customers"] == [
        "Bergs kommun har redan en överenskommelse av denna typ för en överlappande period: RJH-MT-2026 "
        "(2026-01-01 – förlängs automatiskt tills den sägs upp). Registrera först dess uppsägning eller "
        "välj datum som inte överlappar."
    ]
    assert (Agreement.objects.count(), Event.objects.count()) == before


def test_a_separate_agreement_for_equipment_mt_lacks_competence_for_may_run_alongside(demo):
    agreement = _new(
        demo, kind="monitoring", valid_from=dt.date(2026, 1, 1), valid_until=dt.date(2027, 12, 31)
    )
    assert agreement.get_kind_display() == "Endast bevakning (utrustning där MT saknar kompetens)"


def test_a_negative_price_is_refused(demo):
    with pytest.raises(ValidationError) as exc:
        services.rate_schedule_create(
            user=demo["users"]["mt-admin"],
            provider=demo["orgs"]["MT"],
            name="X",
            base_rate=Decimal("-1"),
            valid_from=dt.date(2025, 1, 1),
        )
    assert exc.value.message_dict["base_rate"] == ["Ett pris kan inte vara negativt."]


def test_termination_is_recorded_with_decision_and_forum(demo):
    agreement = services.agreement_terminate(
        user=demo["users"]["mt-admin"],
        agreement=demo["agreements"]["RJH-MT-2026"],
        given_on=dt.date(2026, 11, 30),
        decision_reference="Beslut 2026-11-30 §12",
        forum="Länsövergripande politisk samverkansarena",
    )
    assert agreement.end_on(dt.date(2027, 6, 1)) == dt.date(2027, 12, 31)
    assert agreement.notice_deadline_on(dt.date(2027, 6, 1)) is None


def test_an_index_figure_before_the_schedules_second_year_is_refused(demo):
    with pytest.raises(ValidationError) as exc:
        services.index_figure_enter(
            user=demo["users"]["mt-admin"],
            schedule=demo["rate_schedule"],
            year=2025,
            change_percent="2",
            publication_reference="x",
        )
    assert exc.value.message_dict["year"] == [
        "Timersättningen för 2025 är timprislistans bas; indextal gäller från 2026."
    ]


def test_the_demo_2026_figure_is_marked_as_an_example(demo):
    figure = demo["rate_schedule"].figures.get(year=2026)
    assert figure.is_example


def test_deadlines_within_90_days(demo):
    rows = selectors.agreement_deadlines(
        user=demo["users"]["mt-admin"], within_days=90, today=dt.date(2026, 11, 1)
    )
    # The demo's monitoring agreement is watched like the main agreement: the same terms, the same day.
    assert [(d.agreement.reference, d.deadline, d.days_left) for d in rows] == [
        ("RJH-BEV-KROKOM", dt.date(2026, 12, 31), 60),
        ("RJH-MT-2026", dt.date(2026, 12, 31), 60),
    ]


def test_the_deadlines_command(demo, capsys):
    call_command("agreements", "deadlines", "--within", "90d", "--today", "2026-11-01")
    out = capsys.readouterr().out
    due = [line.split("  ")[:3] for line in out.splitlines() if line.startswith("2026-")]
    assert due == [
        ["2026-12-31", "(60 days)", "HMC-2025"],
        ["2026-12-31", "(60 days)", "RJH-BEV-KROKOM"],
        ["2026-12-31", "(60 days)", "RJH-MT-2026"],
    ]
    assert "otherwise extended to 2029-12-31" in out


def test_a_customer_sees_only_its_own_agreements(demo, world):
    client = Client()
    client.force_login(world.berg_contact)
    assert client.get("/api/v1/agreements/").json()["items"] == []
    client.force_login(demo["users"]["berg"])
    refs = {a["reference"] for a in client.get("/api/v1/agreements/").json()["items"]}
    assert refs == {"RJH-MT-2024", "RJH-MT-2026"}


def test_the_agreement_page_shows_deadline_and_end(demo):
    client = Client()
    client.force_login(demo["users"]["mt-admin"])
    agreement = demo["agreements"]["RJH-MT-2026"]
    html = client.get(f"/agreements/{agreement.pk}/?day=2026-10-15").content.decode()
    assert '<dd id="notice-deadline">2026-12-31</dd>' in html
    assert '<dd id="current-end">2027-12-31</dd>' in html
    html = client.get(f"/agreements/{agreement.pk}/?day=2027-01-01").content.decode()
    assert '<dd id="current-end">2029-12-31</dd>' in html


def test_the_vpi_form_changes_the_2026_rate(demo):
    client = Client()
    client.force_login(demo["users"]["mt-admin"])
    schedule = demo["rate_schedule"]
    response = client.post(
        f"/agreements/rates/{schedule.pk}/index/",
        {"year": 2026, "change_percent": "4.0", "publication_reference": "SKR cirkulär"},
    )
    assert response.status_code == 302
    assert (
        client.get(f"/api/v1/agreements/rate-schedules/{schedule.pk}/rate?day=2026-02-01").json()["rate"]
        == "1168.00"
    )


def test_the_list_api_does_not_query_per_agreement(demo, django_assert_max_num_queries):
    client = Client()
    client.force_login(demo["users"]["mt-admin"])
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/agreements/").status_code == 200
