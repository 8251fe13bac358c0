"""A termination is dated when notice was given, never ahead; a rate schedule's rounding is a setting.

Bilaga 1: 1123 kr/h from 2025-01-01, adjusted each year by VPI; the rounding of the indexed rate is the
schedule's (whole kronor or öre), set on its page and through the API.
"""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from medtek.agreements import services
from medtek.agreements.models import Agreement, RateSchedule
from medtek.core.models import Event

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_termination_dated_in_the_future_is_refused_and_nothing_is_written(demo):
    agreement = demo["agreements"]["RJH-MT-2026"]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    before = Event.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.agreement_terminate(
            user=demo["users"]["mt-admin"],
            agreement=agreement,
            given_on=tomorrow,
            decision_reference="Beslut §12",
            forum="Länsövergripande politisk samverkansarena",
        )
    assert exc.value.message_dict["given_on"] == [
        f"Uppsägningen kan inte dateras i framtiden ({tomorrow.isoformat()}): registrera en uppsägning när "
        "den har skett, daterad den dag den gjordes (senast i dag)."
    ]
    assert Agreement.objects.get(pk=agreement.pk).terminated_on is None
    assert Event.objects.count() == before


def test_the_api_refuses_a_termination_dated_in_the_future_with_422(demo):
    agreement = demo["agreements"]["RJH-MT-2026"]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = _client(demo["users"]["mt-admin"]).post(
        f"/api/v1/agreements/{agreement.pk}/terminate",
        data=json.dumps(
            {"given_on": tomorrow.isoformat(), "decision_reference": "Beslut §12", "forum": "Arenan"}
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"]["given_on"][0].startswith("Uppsägningen kan inte dateras i framtiden")


def test_the_termination_form_shows_why_a_future_date_is_refused(demo):
    agreement = demo["agreements"]["RJH-MT-2026"]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = _client(demo["users"]["mt-admin"]).post(
        f"/agreements/{agreement.pk}/terminate/",
        {"given_on": tomorrow.isoformat(), "decision_reference": "Beslut §12", "forum": "Arenan"},
    )
    assert response.status_code == 422
    assert (
        response.context["form"].errors["given_on"][0].startswith("Uppsägningen kan inte dateras i framtiden")
    )


def test_the_demo_schedule_can_be_set_to_round_to_ore(demo):
    schedule = services.rate_schedule_set_rounding(
        user=demo["users"]["mt-admin"], schedule=demo["rate_schedule"], rounding="ore"
    )
    assert schedule.rate_on(dt.date(2025, 6, 30)) == Decimal("1123.00")
    assert schedule.rate_on(dt.date(2026, 2, 1)) == Decimal("1156.69")
    event = Event.objects.for_subject("agreements.rateschedule", schedule.pk).first()
    assert event is not None and event.data == {"before": "krona", "after": "ore"}


def test_an_unknown_rounding_is_refused(demo):
    with pytest.raises(ValidationError) as exc:
        services.rate_schedule_set_rounding(
            user=demo["users"]["mt-admin"], schedule=demo["rate_schedule"], rounding="tenner"
        )
    assert exc.value.message_dict["rounding"] == ["Välj hela kronor eller öre."]


def test_a_customer_contact_may_not_change_the_rounding(demo):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.rate_schedule_set_rounding(
            user=demo["users"]["berg"], schedule=demo["rate_schedule"], rounding="ore"
        )
    assert RateSchedule.objects.get(pk=demo["rate_schedule"].pk).rounding == "krona"


def test_the_api_sets_the_rounding_and_the_rate_follows(demo):
    client = _client(demo["users"]["mt-admin"])
    schedule = demo["rate_schedule"]
    url = f"/api/v1/agreements/rate-schedules/{schedule.pk}"
    response = client.patch(url, data=json.dumps({"rounding": "ore"}), content_type="application/json")
    assert response.status_code == 200
    assert response.json()["rounding"] == "ore"
    assert client.get(f"{url}/rate?day=2026-02-01").json()["rate"] == "1156.69"


def test_the_api_refuses_an_unknown_rounding_with_422(demo):
    client = _client(demo["users"]["mt-admin"])
    url = f"/api/v1/agreements/rate-schedules/{demo['rate_schedule'].pk}"
    response = client.patch(url, data=json.dumps({"rounding": "tenner"}), content_type="application/json")
    assert response.status_code == 422
    assert RateSchedule.objects.get(pk=demo["rate_schedule"].pk).rounding == "krona"


def test_the_api_creates_a_schedule_rounding_to_ore(demo):
    response = _client(demo["users"]["mt-admin"]).post(
        "/api/v1/agreements/rate-schedules",
        data=json.dumps(
            {
                "provider_id": demo["orgs"]["MT"].pk,
                "name": "Timersättning öresavrundad",
                "base_rate": "1123.00",
                "valid_from": "2025-01-01",
                "rounding": "ore",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["rounding"] == "ore"


def test_the_schedule_page_sets_the_rounding_in_swedish(demo):
    client = _client(demo["users"]["mt-admin"])
    schedule = demo["rate_schedule"]
    html = client.get(f"/agreements/rates/{schedule.pk}/").content.decode()
    assert "Avrundning av den indexerade timersättningen" in html
    assert '<option value="ore">Öre</option>' in html
    assert '<option value="krona" selected>Hela kronor</option>' in html
    response = client.post(f"/agreements/rates/{schedule.pk}/rounding/", {"rounding": "ore"})
    assert response.status_code == 302
    html = client.get(f"/agreements/rates/{schedule.pk}/").content.decode()
    assert '<td class="num">1\xa0156,69 kr/h</td>' in html


def test_a_customer_contact_sees_no_rounding_form(demo):
    html = _client(demo["users"]["berg"]).get(f"/agreements/rates/{demo['rate_schedule'].pk}/")
    assert 'name="rounding"' not in html.content.decode()
