"""MT admin changes an aid agreement on the aid-agreement page or through the API, validated as a new one
is; what was donated under it stays under it. Each change is one event with the values before and after;
a refusal writes nothing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from medtek.core.models import Event
from medtek.decommissioning.choices import EventKind
from medtek.decommissioning.models import AidAgreement
from medtek.decommissioning.tests.factories import AidOrganisationFactory, aid_agreement
from medtek.organizations.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def patch(user: Any, agreement: AidAgreement, body: dict[str, Any]) -> Any:
    return client_for(user).patch(
        f"/api/v1/decommissioning/aid-agreements/{agreement.pk}",
        json.dumps(body),
        content_type="application/json",
    )


def changes(agreement: AidAgreement) -> list[dict[str, Any]]:
    return list(
        Event.objects.filter(kind=EventKind.AID_AGREEMENT_UPDATED, subject_id=agreement.pk)
        .order_by("pk")
        .values_list("data", flat=True)
    )


@pytest.fixture
def human_bridge(world: Any) -> AidAgreement:
    return aid_agreement(world.mt, AidOrganisationFactory(name="Human Bridge"), notes="Ramavtal")


def test_mt_admin_changes_the_period_and_notes_on_the_aid_agreement_page(
    world: Any, human_bridge: AidAgreement
) -> None:
    client = client_for(world.admin)
    listed = client.get("/decommissioning/aid-agreements/").content.decode()
    edit = f"/decommissioning/aid-agreements/{human_bridge.pk}/edit/"
    assert f'href="{edit}" id="edit-aid-agreement-{human_bridge.pk}"' in listed
    html = client.get(edit).content.decode()
    assert 'value="RS130364"' in html and 'value="2013-11-06"' in html and "Ramavtal</textarea>" in html
    response = client.post(
        edit,
        {
            "aid_organisation": human_bridge.aid_organisation_id,
            "reference": "RS130364",
            "valid_from": "2013-11-06",
            "valid_to": "2027-12-31",
            "notes": "Förlängt till 2027",
        },
    )
    assert response.status_code == 302
    human_bridge.refresh_from_db()
    assert (human_bridge.valid_to, human_bridge.notes) == (dt.date(2027, 12, 31), "Förlängt till 2027")
    assert human_bridge.region == world.mt
    assert changes(human_bridge) == [
        {
            "before": {"valid_to": None, "notes": "Ramavtal"},
            "after": {"valid_to": "2027-12-31", "notes": "Förlängt till 2027"},
        }
    ]


def test_the_api_changes_only_the_fields_sent(world: Any, human_bridge: AidAgreement) -> None:
    response = patch(world.admin, human_bridge, {"reference": "RS130364-2"})
    assert response.status_code == 200, response.content
    assert (response.json()["reference"], response.json()["valid_from"]) == ("RS130364-2", "2013-11-06")
    assert changes(human_bridge) == [
        {"before": {"reference": "RS130364"}, "after": {"reference": "RS130364-2"}}
    ]


def test_another_party_than_an_aid_organisation_is_refused_at_its_field_with_the_values_kept(
    world: Any, human_bridge: AidAgreement
) -> None:
    events = Event.objects.count()
    response = client_for(world.admin).post(
        f"/decommissioning/aid-agreements/{human_bridge.pk}/edit/",
        {
            "aid_organisation": MunicipalityFactory().pk,
            "reference": "RS130364",
            "valid_from": "2013-11-06",
            "notes": "Nya villkor",
        },
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Nya villkor</textarea>" in html
    assert 'id="id_aid_organisation_error"' in html
    refused = patch(world.admin, human_bridge, {"aid_organisation_id": world.berg.pk})
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"aid_organisation": ["The other party must be an aid organisation."]}
    human_bridge.refresh_from_db()
    assert human_bridge.notes == "Ramavtal"
    assert Event.objects.count() == events


def test_the_period_keeps_the_shipments_sent_under_it_and_the_organisation_stays(
    world: Any, django_user_model: Any
) -> None:
    from medtek.decommissioning import services
    from medtek.decommissioning.tests.factories import surplus_case, surplus_device

    root = django_user_model.objects.create_superuser("root-aid", password="x")
    item = surplus_case(root, [surplus_device(root, world.berg)]).items.get()
    agreement = aid_agreement(world.berg)
    services.surplus_item_decide(user=root, item=item, disposition="donate", aid_agreement=agreement)
    shipment_id = services.donation_shipment_create(
        user=root, aid_agreement=agreement, shipment_date=dt.date.today(), items=[item.pk]
    ).pk
    events = Event.objects.count()
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    ended = patch(world.admin, agreement, {"valid_to": yesterday})
    assert ended.status_code == 422
    assert list(ended.json()["errors"]) == ["valid_to"]
    assert f"Shipment {shipment_id} went under this agreement on" in ended.json()["errors"]["valid_to"][0]
    other = patch(world.admin, agreement, {"aid_organisation_id": AidOrganisationFactory().pk})
    assert other.status_code == 422
    assert list(other.json()["errors"]) == ["aid_organisation"]
    agreement.refresh_from_db()
    assert agreement.valid_to is None
    assert Event.objects.count() == events


@pytest.mark.parametrize("role", ["berg_contact", "tech", "auditor"])
def test_only_mt_admin_changes_an_aid_agreement(world: Any, role: str) -> None:
    agreement = aid_agreement(world.berg)
    user = getattr(world, role)
    client = client_for(user)
    events = Event.objects.count()
    edit = f"/decommissioning/aid-agreements/{agreement.pk}/edit/"
    assert client.get(edit).status_code in {403, 404}
    assert client.post(edit, {"reference": "X"}).status_code in {403, 404}
    assert patch(user, agreement, {"reference": "X"}).status_code in {403, 404}
    assert "edit-aid-agreement" not in client.get("/decommissioning/aid-agreements/").content.decode()
    agreement.refresh_from_db()
    assert agreement.reference == "RS130364"
    assert Event.objects.count() == events
