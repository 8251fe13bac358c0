"""The organisations pages show only what the user may see."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from medtek.organizations.tests.factories import LocationFactory


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_mt_admin_lists_the_organisations_its_department_serves(world: Any) -> None:
    response = client_for(world.admin).get(reverse("organizations:organisation_list"))
    names = {o.name for o in response.context["organisations"]}
    assert {"MT Test", "Bergs kommun", "Östersunds kommun"} <= names
    assert "Halmstads kommun" not in names


def test_customer_sees_only_its_own_organisation(world: Any) -> None:
    response = client_for(world.berg_contact).get(reverse("organizations:organisation_list"))
    assert [o.name for o in response.context["organisations"]] == ["Bergs kommun"]


def test_detail_lists_the_organisations_sites(world: Any) -> None:
    LocationFactory(organisation=world.berg, code="AVD1", name="Avdelning 1")
    response = client_for(world.berg_contact).get(
        reverse("organizations:organisation_detail", kwargs={"org_id": world.berg.pk})
    )
    assert "Avdelning 1" in response.content.decode()
    assert "Platser" in response.content.decode()


def test_foreign_organisation_is_404(world: Any) -> None:
    url = reverse("organizations:organisation_detail", kwargs={"org_id": world.ostersund.pk})
    assert client_for(world.berg_contact).get(url).status_code == 404


def test_menu_has_the_organisations_entry(world: Any) -> None:
    page = client_for(world.berg_contact).get(reverse("organizations:organisation_list")).content.decode()
    assert f'href="{reverse("organizations:organisation_list")}"' in page and "Organisationer" in page
