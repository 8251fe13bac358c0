"""MT admin changes an agreement on its page or through the API, validated as a new one is: no overlap
with another agreement, an invoiced period stays under it, a terminated agreement stays as it ended.
Each change is one event with the values before and after; a refusal writes nothing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from medtek.agreements.choices import EventKind
from medtek.agreements.models import Agreement
from medtek.agreements.tests.factories import AgreementFactory
from medtek.core.models import Event

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def patch(user: Any, agreement: Agreement, body: dict[str, Any]) -> Any:
    return client_for(user).patch(
        f"/api/v1/agreements/{agreement.pk}", json.dumps(body), content_type="application/json"
    )


def changes(agreement: Agreement) -> list[dict[str, Any]]:
    return [
        e.data
        for e in Event.objects.filter(kind=EventKind.AGREEMENT_UPDATED, subject_id=agreement.pk).order_by(
            "pk"
        )
    ]


def form_data(agreement: Agreement, **values: Any) -> dict[str, Any]:
    """The edit form as the page sends it, unchanged but for `values`."""
    data: dict[str, Any] = {
        "reference": agreement.reference,
        "title": agreement.title,
        "seller": agreement.seller_id,
        "valid_from": agreement.valid_from.isoformat(),
        "valid_until": agreement.valid_until.isoformat(),
        "notice_months": agreement.notice_months,
        "extension_months": agreement.extension_months,
        "rate_schedule": agreement.rate_schedule_id or "",
        "fixed_base_hours": agreement.fixed_base_hours,
        "fixed_minutes_per_device": agreement.fixed_minutes_per_device,
        "payment_terms_days": agreement.payment_terms_days,
        "bankgiro": agreement.bankgiro,
        "notes": agreement.notes,
    }
    if agreement.auto_extend:
        data["auto_extend"] = "on"
    for i, party in enumerate(agreement.parties.order_by("customer__name"), start=1):
        data[f"customer_{i}"] = party.customer_id
        data[f"buyer_reference_{i}"] = party.buyer_reference
    data.update(values)
    return data


@pytest.fixture
def agreement(world: Any) -> Agreement:
    return AgreementFactory(provider=world.mt, reference="RJH-2026", customers=[world.berg])


def test_mt_admin_opens_the_agreement_from_its_page_with_the_values_filled_in(
    world: Any, agreement: Agreement
) -> None:
    client = client_for(world.admin)
    detail = client.get(f"/agreements/{agreement.pk}/").content.decode()
    assert f'href="/agreements/{agreement.pk}/edit/" id="edit-agreement"' in detail
    html = client.get(f"/agreements/{agreement.pk}/edit/").content.decode()
    assert 'value="RJH-2026"' in html
    assert 'value="Medicintekniskt stöd"' in html
    assert 'value="2027-12-31"' in html
    assert f'value="REF-{world.berg.pk}"' in html
    assert f'<option value="{world.berg.pk}" selected>Bergs kommun</option>' in html


def test_mt_admin_changes_the_title_and_adds_a_customer_on_the_page(world: Any, agreement: Agreement) -> None:
    response = client_for(world.admin).post(
        f"/agreements/{agreement.pk}/edit/",
        form_data(
            agreement,
            title="MT-stöd till Berg och Östersund",
            customer_2=world.ostersund.pk,
            buyer_reference_2="OSD-4711",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/agreements/{agreement.pk}/"
    agreement.refresh_from_db()
    assert agreement.title == "MT-stöd till Berg och Östersund"
    assert sorted(agreement.parties.values_list("buyer_reference", flat=True)) == [
        "OSD-4711",
        f"REF-{world.berg.pk}",
    ]
    [event] = changes(agreement)
    assert event["before"] == {
        "title": "Medicintekniskt stöd",
        "customers": [[world.berg.pk, f"REF-{world.berg.pk}"]],
    }
    assert event["after"] == {
        "title": "MT-stöd till Berg och Östersund",
        "customers": sorted([[world.berg.pk, f"REF-{world.berg.pk}"], [world.ostersund.pk, "OSD-4711"]]),
    }


def test_the_api_changes_only_the_fields_sent_and_records_them_before_and_after(
    world: Any, agreement: Agreement
) -> None:
    response = patch(world.admin, agreement, {"notice_months": 6, "bankgiro": "5050-1055"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["notice_months"], body["title"]) == (6, "Medicintekniskt stöd")
    assert body["parties"] == [
        {"customer_id": world.berg.pk, "customer": "Bergs kommun", "buyer_reference": f"REF-{world.berg.pk}"}
    ]
    [event] = changes(agreement)
    assert event == {
        "before": {"notice_months": 12, "bankgiro": ""},
        "after": {"notice_months": 6, "bankgiro": "5050-1055"},
    }


def test_sending_the_same_values_changes_nothing_and_records_nothing(
    world: Any, agreement: Agreement
) -> None:
    response = patch(world.admin, agreement, {"title": agreement.title})
    assert response.status_code == 200
    assert changes(agreement) == []


def test_adding_a_customer_that_has_an_agreement_of_the_kind_is_refused_at_customers_on_the_page(
    world: Any, agreement: Agreement
) -> None:
    AgreementFactory(provider=world.mt, reference="RJH-OSD", customers=[world.ostersund])
    events = Event.objects.count()
    response = client_for(world.admin).post(
        f"/agreements/{agreement.pk}/edit/",
        form_data(agreement, title="Nytt namn", customer_2=world.ostersund.pk, buyer_reference_2="OSD-4711"),
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Customers: Östersunds kommun already has an agreement of this kind" in html
    assert "RJH-OSD" in html
    assert 'value="Nytt namn"' in html and 'value="OSD-4711"' in html
    agreement.refresh_from_db()
    assert agreement.title == "Medicintekniskt stöd"
    assert list(agreement.parties.values_list("customer_id", flat=True)) == [world.berg.pk]
    assert Event.objects.count() == events


def test_moving_the_period_onto_another_agreement_of_the_customer_is_refused_at_customers(world: Any) -> None:
    AgreementFactory(
        provider=world.mt,
        reference="RJH-2026-ONLY",
        valid_until=dt.date(2026, 12, 31),
        auto_extend=False,
        customers=[world.berg],
    )
    later = AgreementFactory(
        provider=world.mt,
        reference="RJH-2027",
        valid_from=dt.date(2027, 1, 1),
        valid_until=dt.date(2027, 12, 31),
        auto_extend=False,
        customers=[world.berg],
    )
    events = Event.objects.count()
    response = patch(world.admin, later, {"valid_from": "2026-07-01", "title": "Tidigare start"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["customers"]
    assert "RJH-2026-ONLY" in response.json()["errors"]["customers"][0]
    later.refresh_from_db()
    assert (later.valid_from, later.title) == (dt.date(2027, 1, 1), "Medicintekniskt stöd")
    assert Event.objects.count() == events


def test_an_invoiced_customer_stays_a_party_and_the_invoiced_days_stay_in_force(
    world: Any, agreement: Agreement
) -> None:
    from medtek.billing.tests.factories import InvoiceFactory

    agreement.parties.create(customer=world.ostersund, buyer_reference="OSD-4711")
    InvoiceFactory(agreement=agreement, customer=world.berg)  # 2026H1
    events = Event.objects.count()
    dropped = patch(
        world.admin, agreement, {"customers": [{"customer_id": world.ostersund.pk, "buyer_reference": "OSD"}]}
    )
    assert dropped.status_code == 422
    assert dropped.json()["errors"]["customers"] == [
        "Bergs kommun has been invoiced under this agreement (2026-01-01 – 2026-06-30) "
        "and stays a party to it."
    ]
    later = patch(world.admin, agreement, {"valid_from": "2026-03-01"})
    assert later.status_code == 422
    assert later.json()["errors"] == {
        "valid_from": ["The agreement has been invoiced from 2026-01-01: it cannot start later than that."]
    }
    assert agreement.parties.count() == 2
    assert Event.objects.count() == events


def test_a_customer_whose_devices_a_monitoring_agreement_covers_stays_a_party(world: Any) -> None:
    from medtek.agreements.models import MonitoredDevice
    from medtek.inventory.tests.factories import DeviceFactory

    monitoring = AgreementFactory(
        provider=world.mt, kind="monitoring", customers=[world.berg, world.ostersund]
    )
    MonitoredDevice.objects.create(agreement=monitoring, device=DeviceFactory(owner=world.berg))
    events = Event.objects.count()
    response = patch(
        world.admin,
        monitoring,
        {"customers": [{"customer_id": world.ostersund.pk, "buyer_reference": "OSD"}]},
    )
    assert response.status_code == 422
    assert response.json()["errors"]["customers"] == [
        "This monitoring agreement covers devices of Bergs kommun: remove them from the covered devices "
        "first, or keep Bergs kommun a party."
    ]
    assert monitoring.parties.count() == 2
    assert Event.objects.count() == events


def test_a_terminated_agreement_is_not_changed(world: Any, agreement: Agreement) -> None:
    Agreement.objects.filter(pk=agreement.pk).update(
        terminated_on=dt.date(2026, 3, 1), termination_decision="KS 2026/12"
    )
    events = Event.objects.count()
    response = patch(world.admin, agreement, {"title": "Nytt namn"})
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "RJH-2026 was terminated on 2026-03-01 (KS 2026/12) and can no longer be changed; "
        "record a new agreement for what follows."
    )
    client = client_for(world.admin)
    opened = client.get(f"/agreements/{agreement.pk}/edit/", follow=True)
    assert "can no longer be changed" in opened.content.decode()
    page = client.post(f"/agreements/{agreement.pk}/edit/", form_data(agreement, title="Nytt namn"))
    assert page.status_code == 422
    assert "was terminated on 2026-03-01 (KS 2026/12) and can no longer be changed" in page.content.decode()
    assert 'id="edit-agreement"' not in client.get(f"/agreements/{agreement.pk}/").content.decode()
    agreement.refresh_from_db()
    assert agreement.title == "Medicintekniskt stöd"
    assert Event.objects.count() == events


def test_the_provider_and_kind_are_not_changed_through_the_api(world: Any, agreement: Agreement) -> None:
    response = patch(world.admin, agreement, {"kind": "monitoring"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["kind"]
    assert changes(agreement) == []


@pytest.mark.parametrize(("role", "status"), [("berg_contact", 403), ("tech", 403)])
def test_a_municipality_contact_or_a_technician_does_not_change_an_agreement(
    world: Any, agreement: Agreement, role: str, status: int
) -> None:
    user = getattr(world, role)
    client = client_for(user)
    events = Event.objects.count()
    assert client.get(f"/agreements/{agreement.pk}/edit/").status_code == status
    assert (
        client.post(f"/agreements/{agreement.pk}/edit/", form_data(agreement, title="x")).status_code
        == status
    )
    assert patch(user, agreement, {"title": "x"}).status_code == status
    assert 'id="edit-agreement"' not in client.get(f"/agreements/{agreement.pk}/").content.decode()
    agreement.refresh_from_db()
    assert agreement.title == "Medicintekniskt stöd"
    assert Event.objects.count() == events
