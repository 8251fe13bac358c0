"""The agreement as a working relationship: each party's contacts (who receives what concerns the
agreement) and notices of changed local conditions or needs, acknowledged by the other party (J23)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from medtek.agreements import selectors, services
from medtek.agreements.models import AgreementContact, ChangeNotice
from medtek.agreements.tests.factories import AgreementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(world):
    return AgreementFactory(provider=world.mt, reference="RJH-MT-2026", customers=[world.berg])


def test_mt_names_its_coordinator_and_bergs_mas_and_both_are_the_agreements_contacts(world, agreement):
    services.agreement_contact_add(
        user=world.admin,
        agreement=agreement,
        organisation=world.mt,
        role="mt_coordinator",
        contact_user=world.admin,
    )
    services.agreement_contact_add(
        user=world.berg_contact,
        agreement=agreement,
        organisation=world.berg,
        role="mas",
        name="Anna Mas",
        email="mas@berg.se",
    )
    contacts = selectors.agreement_contacts(agreement)
    assert [(c.organisation.name, c.role, c.address) for c in contacts] == [
        ("MT Test", "mt_coordinator", world.admin.email),
        ("Bergs kommun", "mas", "mas@berg.se"),
    ]


def test_a_contact_without_a_user_needs_a_name_and_an_email(world, agreement):
    with pytest.raises(ValidationError) as exc:
        services.agreement_contact_add(
            user=world.admin, agreement=agreement, organisation=world.berg, role="mas", name="Anna Mas"
        )
    assert exc.value.message_dict["name"] == [
        "Välj en användare, eller ange kontaktens namn och e-postadress."
    ]
    assert not AgreementContact.objects.exists()


def test_a_customer_names_contacts_only_for_its_own_party(world, agreement):
    with pytest.raises(PermissionDenied):
        services.agreement_contact_add(
            user=world.berg_contact,
            agreement=agreement,
            organisation=world.mt,
            role="mt_coordinator",
            name="X",
            email="x@example.se",
        )


def test_berg_records_that_a_care_unit_closes_and_mt_acknowledges_it(world, agreement):
    notice = services.change_notice_record(
        user=world.berg_contact,
        agreement=agreement,
        kind="closed_unit",
        description="Korttidsboendet Björkbacken stänger.",
        effective_on=dt.date(2026, 9, 1),
    )
    assert (notice.from_party, notice.to_party, notice.status) == (world.berg, world.mt, "open")
    services.change_notice_acknowledge(user=world.admin, notice=notice, response="Vi flyttar utrustningen.")
    notice.refresh_from_db()
    assert notice.status == "acknowledged"
    assert notice.acknowledged_by == world.admin


def test_the_party_that_sent_a_notice_cannot_acknowledge_it(world, agreement):
    notice = services.change_notice_record(
        user=world.berg_contact, agreement=agreement, kind="new_unit", description="Nytt SÄBO."
    )
    with pytest.raises(ValidationError) as exc:
        services.change_notice_acknowledge(user=world.berg_contact, notice=notice)
    assert exc.value.message_dict["notice"] == ["Bara MT Test, som meddelandet går till, kan kvittera det."]


def test_mt_records_a_notice_to_berg_and_berg_acknowledges_it(world, agreement):
    notice = services.change_notice_record(
        user=world.admin, agreement=agreement, kind="opening_hours", description="Verkstaden stänger 15.00."
    )
    assert notice.to_party == world.berg
    services.change_notice_acknowledge(user=world.berg_contact, notice=notice)
    notice.refresh_from_db()
    assert notice.status == "acknowledged"


def test_a_notice_on_an_agreement_the_user_is_no_party_to_is_404_and_nothing_is_written(world, agreement):
    client = Client()
    client.force_login(world.ostersund_contact)
    response = client.post(
        f"/api/v1/agreements/{agreement.pk}/change-notices",
        json.dumps({"kind": "new_unit", "description": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not ChangeNotice.objects.exists()


def test_the_api_refuses_an_unknown_field_in_a_notice(world, agreement):
    client = Client()
    client.force_login(world.berg_contact)
    response = client.post(
        f"/api/v1/agreements/{agreement.pk}/change-notices",
        json.dumps({"kind": "new_unit", "description": "x", "priority": "high"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not ChangeNotice.objects.exists()


def test_the_agreement_page_lists_notices_with_their_status(world, agreement):
    services.change_notice_record(
        user=world.berg_contact, agreement=agreement, kind="closed_unit", description="Björkbacken stänger."
    )
    client = Client()
    client.force_login(world.admin)
    page = client.get(f"/agreements/{agreement.pk}/").content.decode()
    assert "Björkbacken stänger." in page
    assert "Väntar på kvittens" in page
