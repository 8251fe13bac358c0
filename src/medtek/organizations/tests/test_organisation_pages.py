"""MT admin registers and edits organisations on pages that call the API's services; a refusal comes
back with what was typed, at its field."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from medtek.organizations.models import Organisation

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


NEW = {
    "name": "Ragunda kommun",
    "kind": "municipality",
    "short_code": "RAGUNDA",
    "org_number": "212000-2437",
    "municipality_code": "2303",
    "city": "Hammarstrand",
}


def test_mt_admin_registers_an_organisation_its_department_serves(world: Any) -> None:
    response = client_for(world.admin).post("/organisations/new/", NEW)
    org = Organisation.objects.get(short_code="RAGUNDA")
    assert response.status_code == 302
    assert response["Location"] == f"/organisations/{org.pk}/"
    assert org.municipality_code == "2303"
    assert list(org.providers.all()) == [world.mt]


def test_a_refused_organisation_number_keeps_what_was_typed_and_is_shown_at_its_field(world: Any) -> None:
    response = client_for(world.admin).post("/organisations/new/", {**NEW, "org_number": "123"})
    html = response.content.decode()
    assert response.status_code == 422
    assert 'value="Ragunda kommun"' in html
    assert 'value="Hammarstrand"' in html
    assert 'aria-invalid="true" aria-describedby="id_org_number_helptext id_org_number_error"' in html
    assert '<ul class="errorlist" id="id_org_number_error"><li>&#x27;123&#x27; is not a valid Swedish' in html
    assert '<a href="#id_org_number">Organisation number: &#x27;123&#x27; is not a valid' in html
    assert not Organisation.objects.filter(short_code="RAGUNDA").exists()


def test_mt_admin_edits_an_organisation(world: Any) -> None:
    data = {**NEW, "name": "Bergs kommun (Svenstavik)", "short_code": world.berg.short_code, "active": "on"}
    data["municipality_code"] = "2326"
    data["org_number"] = ""
    response = client_for(world.admin).post(f"/organisations/{world.berg.pk}/edit/", data)
    world.berg.refresh_from_db()
    assert response.status_code == 302
    assert world.berg.name == "Bergs kommun (Svenstavik)"
    assert world.berg.city == "Hammarstrand"


def test_the_edit_page_shows_the_organisation_as_it_is(world: Any) -> None:
    html = client_for(world.admin).get(f"/organisations/{world.berg.pk}/edit/").content.decode()
    assert 'value="Bergs kommun"' in html
    assert 'name="active"' in html


@pytest.mark.parametrize("role", ["auditor", "tech", "berg_contact"])
def test_only_mt_admin_may_open_the_organisation_forms(world: Any, role: str) -> None:
    client = client_for(getattr(world, role))
    assert client.get("/organisations/new/").status_code == 403
    assert client.get(f"/organisations/{world.berg.pk}/edit/").status_code == 403


def test_the_list_offers_mt_admin_a_new_organisation_and_others_not(world: Any) -> None:
    assert 'href="/organisations/new/"' in client_for(world.admin).get("/organisations/").content.decode()
    assert (
        'href="/organisations/new/"' not in client_for(world.auditor).get("/organisations/").content.decode()
    )
