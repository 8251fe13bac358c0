"""Scoping per role: who reaches which organisations, and for what."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation

from medtek.inventory.models import Device
from medtek.inventory.tests.factories import DeviceFactory
from medtek.organizations.choices import Role
from medtek.organizations.models import Organisation
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import forget_scope, scope_for
from medtek.organizations.tests.factories import MunicipalityFactory, OrganisationFactory, user_with_role


def test_mt_admin_reaches_its_department_and_the_organisations_it_serves(world: Any) -> None:
    scope = scope_for(world.admin)
    assert scope.org_ids(Cap.VIEW) == {world.mt.pk, world.berg.pk, world.ostersund.pk}


def test_mt_admin_does_not_reach_a_municipality_another_mt_serves(world: Any) -> None:
    assert not scope_for(world.admin).can(Cap.VIEW, world.foreign.pk)


def test_customer_contact_sees_only_its_own_organisation(world: Any) -> None:
    assert scope_for(world.berg_contact).org_ids(Cap.VIEW) == {world.berg.pk}


def test_customer_contact_may_report_faults_but_not_edit_the_register(world: Any) -> None:
    scope = scope_for(world.berg_contact)
    assert scope.can(Cap.WORK_REPORT, world.berg.pk)
    assert not scope.can(Cap.REGISTER_EDIT, world.berg.pk)


def test_technician_edits_the_register_but_may_not_import(world: Any) -> None:
    scope = scope_for(world.tech)
    assert scope.can(Cap.REGISTER_EDIT, world.berg.pk)
    assert not scope.can(Cap.REGISTER_IMPORT)


def test_auditor_reads_everything_served_but_changes_nothing(world: Any) -> None:
    scope = scope_for(world.auditor)
    assert scope.org_ids(Cap.VIEW) == {world.mt.pk, world.berg.pk, world.ostersund.pk}
    assert scope.org_ids(Cap.REGISTER_EDIT) == frozenset()
    assert scope.org_ids(Cap.WORK_DO) == frozenset()


def test_a_membership_reaches_the_organisations_parts(world: Any) -> None:
    unit = OrganisationFactory(name="Hemtjänst Berg", parent=world.berg)
    forget_scope(world.berg_contact)
    assert scope_for(world.berg_contact).can(Cap.VIEW, unit.pk)


def test_the_parts_of_a_served_organisation_are_reached_by_mt(world: Any) -> None:
    unit = OrganisationFactory(name="Särskilt boende", parent=world.ostersund)
    assert scope_for(world.admin).can(Cap.VIEW, unit.pk)


def test_a_user_without_memberships_reaches_nothing(django_user_model: Any) -> None:
    user = django_user_model.objects.create_user("nobody", password="x")
    assert scope_for(user).org_ids(Cap.VIEW) == frozenset()
    assert not scope_for(user).can(Cap.VIEW)


def test_anonymous_user_reaches_nothing() -> None:
    assert scope_for(AnonymousUser()).org_ids(Cap.VIEW) == frozenset()


def test_inactive_user_reaches_nothing(world: Any) -> None:
    world.admin.is_active = False
    forget_scope(world.admin)
    assert scope_for(world.admin).org_ids(Cap.VIEW) == frozenset()


def test_superuser_reaches_everything(django_user_model: Any, world: Any) -> None:
    root = django_user_model.objects.create_superuser("root", password="x")
    assert scope_for(root).can(Cap.BILLING_MANAGE, world.foreign.pk)


def test_scope_is_computed_once_per_user_object(world: Any, django_assert_num_queries: Any) -> None:
    scope_for(world.admin)
    with django_assert_num_queries(0):
        scope_for(world.admin)


def test_roles_in_two_organisations_add_up(world: Any) -> None:
    other = MunicipalityFactory(name="Krokoms kommun")
    user = user_with_role(world.berg, Role.CUSTOMER_CONTACT, username="two-hats")
    from medtek.organizations.models import Membership

    Membership.objects.create(user=user, organisation=other, role=Role.CUSTOMER_CONTACT)
    assert scope_for(user).org_ids(Cap.VIEW) == {world.berg.pk, other.pk}


def test_visible_to_filters_devices_by_owner(world: Any) -> None:
    mine = DeviceFactory(owner=world.berg)
    DeviceFactory(owner=world.ostersund)
    DeviceFactory(owner=world.foreign)
    assert list(Device.objects.visible_to(world.berg_contact)) == [mine]
    assert Device.objects.visible_to(world.admin).count() == 2


def test_get_visible_answers_404_for_another_tenants_row(world: Any) -> None:
    theirs = DeviceFactory(owner=world.foreign)
    with pytest.raises(Http404):
        Device.objects.get_visible(world.admin, pk=theirs.pk)


def test_get_visible_answers_403_with_the_reason_for_a_capability_the_user_lacks(world: Any) -> None:
    mine = DeviceFactory(owner=world.berg)
    refused = pytest.raises(PermissionDenied, match=r"^Your role may not change the device register\.$")
    with translation.override("en"), refused:
        Device.objects.get_visible(world.berg_contact, Cap.REGISTER_EDIT, pk=mine.pk)


def test_get_visible_answers_404_for_a_foreign_row_whatever_the_capability(world: Any) -> None:
    theirs = DeviceFactory(owner=world.foreign)
    with pytest.raises(Http404):
        Device.objects.get_visible(world.berg_contact, Cap.REGISTER_EDIT, pk=theirs.pk)


def test_organisations_are_scoped_by_their_own_id(world: Any) -> None:
    names = set(Organisation.objects.visible_to(world.ostersund_contact).values_list("name", flat=True))
    assert names == {"Östersunds kommun"}


def test_a_token_request_sees_what_its_user_sees(world: Any) -> None:
    """The API's token lookup reads the user's scope in the same query; it must be the same scope."""
    from django.test import Client

    from medtek.organizations.services import token_create

    _token, key = token_create(username=world.berg_contact.username, name="scope")
    body = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/organisations").json()
    assert {item["id"] for item in body["items"]} == set(scope_for(world.berg_contact).org_ids(Cap.VIEW))


def test_a_revoked_token_is_refused(world: Any) -> None:
    from django.test import Client

    from medtek.organizations.models import ApiToken
    from medtek.organizations.services import token_create

    token, key = token_create(username=world.admin.username, name="old")
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/devices").status_code == 401


def test_a_token_records_when_it_was_last_used(world: Any) -> None:
    from django.test import Client

    from medtek.organizations.models import ApiToken
    from medtek.organizations.services import token_create

    token, key = token_create(username=world.admin.username, name="used")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/devices").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    first = token.last_used_at
    Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/devices")
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first  # written at most every 5 minutes


def test_a_scope_of_one_organisation_is_an_equality_the_owner_index_reads_in_order() -> None:
    from medtek.organizations.querysets import any_of_sql

    assert any_of_sql("owner_id", [7], vendor="postgresql") == ("owner_id = %s", [7])
    assert any_of_sql("owner_id", [7, 9], vendor="postgresql") == ("owner_id = ANY(%s::bigint[])", ["{7,9}"])
    assert any_of_sql("owner_id", [], vendor="postgresql") == ("1 = 0", [])


@pytest.mark.django_db
def test_the_registers_owner_column_keeps_its_own_statistics_target() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a statistics target is PostgreSQL's")
    with connection.cursor() as cur:
        cur.execute(
            "SELECT attstattarget FROM pg_attribute "
            "WHERE attrelid = 'inventory_device'::regclass AND attname = 'owner_id'"
        )
        assert cur.fetchone()[0] == 100
