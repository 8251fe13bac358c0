"""Organisation writes: what an MT admin creates it can then see and use; the graph's version."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import translation

from medtek.organizations import services
from medtek.organizations.choices import OrganisationKind
from medtek.organizations.models import Organisation, OrganisationGraph
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import forget_scope, scope_for
from medtek.organizations.tests.factories import MunicipalityFactory, OrganisationFactory


def _api(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_an_organisation_an_mt_admin_creates_is_one_it_can_see_and_use(world: Any) -> None:
    client = _api(world.admin)
    body = {
        "name": "Krokoms kommun",
        "kind": "municipality",
        "short_code": "KROKOM",
        "municipality_code": "2309",
    }
    created = client.post("/api/v1/organisations", body, content_type="application/json")
    assert created.status_code == 201, created.content
    org_id = created.json()["id"]
    assert client.get(f"/api/v1/organisations/{org_id}").status_code == 200
    site = {"organisation_id": org_id, "name": "Hemtjänst", "code": "HT"}
    assert client.post("/api/v1/sites", site, content_type="application/json").status_code == 201


def test_the_acting_admins_department_serves_the_organisation_it_creates(world: Any) -> None:
    org = services.organisation_create(
        user=world.admin,
        name="Åre kommun",
        kind=OrganisationKind.MUNICIPALITY,
        short_code="ARE",
        municipality_code="2321",
    )
    assert list(org.providers.all()) == [world.mt]


def test_given_providers_serve_the_new_organisation_instead(world: Any) -> None:
    org = services.organisation_create(
        user=world.admin,
        providers=[world.other_mt],
        name="Leverantör",
        kind=OrganisationKind.SUPPLIER,
        short_code="LEV",
    )
    assert list(org.providers.all()) == [world.other_mt]


def test_an_auditor_may_not_create_an_organisation(world: Any) -> None:
    refused = pytest.raises(PermissionDenied, match=r"^Only an MT admin may change this\.$")
    with translation.override("en"), refused:
        services.organisation_create(
            user=world.auditor, name="X", kind=OrganisationKind.SUPPLIER, short_code="X"
        )


def _version() -> int:
    return OrganisationGraph.objects.get().version


def test_creating_an_organisation_bumps_the_graph_version(db: Any) -> None:
    before = _version()
    OrganisationFactory()
    assert _version() == before + 1


def test_deleting_an_organisation_bumps_the_graph_version(db: Any) -> None:
    org = OrganisationFactory()
    before = _version()
    org.delete()
    assert _version() > before  # its provider links go too: on PostgreSQL that is a bump of its own


def test_re_parenting_an_organisation_bumps_the_graph_version(db: Any) -> None:
    org, parent = OrganisationFactory(), OrganisationFactory()
    before = _version()
    org.parent = parent
    org.save()
    assert _version() == before + 1


def test_saving_an_organisation_unchanged_in_the_graph_keeps_the_version(db: Any) -> None:
    org = OrganisationFactory()
    before = _version()
    org.name = "Nytt namn"
    org.save()
    assert _version() == before


def test_adding_and_removing_a_provider_link_bumps_the_graph_version(world: Any) -> None:
    before = _version()
    world.foreign.providers.add(world.mt)
    assert _version() == before + 1
    world.foreign.providers.remove(world.mt)
    assert _version() == before + 2


def test_a_bulk_insert_bumps_the_graph_version(db: Any) -> None:
    before = _version()
    Organisation.objects.bulk_create([Organisation(name="A", kind="supplier", short_code="BULK-A")])
    assert _version() > before


def test_a_scope_follows_a_re_parenting_at_once(world: Any) -> None:
    unit = OrganisationFactory(name="Hemtjänst", parent=world.foreign)
    assert not scope_for(world.berg_contact).can(Cap.VIEW, unit.pk)
    unit.parent = world.berg
    unit.save()
    forget_scope(world.berg_contact)
    assert scope_for(world.berg_contact).can(Cap.VIEW, unit.pk)


def test_a_scope_follows_a_new_provider_link_at_once(world: Any) -> None:
    assert not scope_for(world.admin).can(Cap.VIEW, world.foreign.pk)
    world.foreign.providers.add(world.mt)
    forget_scope(world.admin)
    assert scope_for(world.admin).can(Cap.VIEW, world.foreign.pk)


def test_a_token_request_sees_a_graph_change_at_once(world: Any) -> None:
    from medtek.organizations.services import token_create

    _token, key = token_create(username=world.berg_contact.username, name="v")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    client.get("/api/v1/organisations")  # warms the process's scope cache and the token's last use
    MunicipalityFactory(served_by=[world.mt])  # a new version: the scope is computed again
    assert {i["id"] for i in client.get("/api/v1/organisations").json()["items"]} == {world.berg.pk}
