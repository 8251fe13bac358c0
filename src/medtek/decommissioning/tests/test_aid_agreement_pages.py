"""MT admin records the region's agreements with aid organisations on a page that calls the API's
service; a refusal comes back with what was typed, at its field."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from medtek.decommissioning.models import AidAgreement
from medtek.decommissioning.tests.factories import AidOrganisationFactory

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_mt_admin_records_an_aid_agreement_and_sees_it_listed(world: Any) -> None:
    aid = AidOrganisationFactory(name="Human Bridge")
    client = client_for(world.admin)
    response = client.post(
        "/decommissioning/aid-agreements/new/",
        {
            "region": world.mt.pk,
            "aid_organisation": aid.pk,
            "reference": "RS130364",
            "valid_from": "2013-11-06",
        },
    )
    assert response.status_code == 302
    assert AidAgreement.objects.get().contact == world.admin
    html = client.get("/decommissioning/aid-agreements/").content.decode()
    assert "RS130364" in html and "Human Bridge" in html


def test_a_missing_reference_keeps_what_was_typed_and_is_shown_at_its_field(world: Any) -> None:
    aid = AidOrganisationFactory()
    response = client_for(world.admin).post(
        "/decommissioning/aid-agreements/new/",
        {
            "region": world.mt.pk,
            "aid_organisation": aid.pk,
            "reference": "",
            "valid_from": "2013-11-06",
            "notes": "Ram",
        },
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'value="2013-11-06"' in html
    assert "Ram</textarea>" in html
    assert '<ul class="errorlist" id="id_reference_error"><li>This field is required.</li></ul>' in html
    assert '<a href="#id_reference">Reference: This field is required.</a>' in html
    assert not AidAgreement.objects.exists()


@pytest.mark.parametrize("role", ["auditor", "tech", "berg_contact"])
def test_only_mt_admin_may_record_an_aid_agreement(world: Any, role: str) -> None:
    assert client_for(getattr(world, role)).get("/decommissioning/aid-agreements/new/").status_code == 403
