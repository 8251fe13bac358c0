"""MT admin records an agreement on a page that calls the API's service; a refusal comes back with what
was typed, at its field. Terminating an agreement asks first."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from medtek.agreements.models import Agreement

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def data(world: Any, **changes: str) -> dict[str, Any]:
    return {
        "reference": "RJH-2026-1",
        "title": "MT-stöd till kommunerna",
        "kind": "mt_support",
        "provider": world.mt.pk,
        "seller": world.mt.pk,
        "valid_from": "2026-01-01",
        "valid_until": "2027-12-31",
        "notice_months": "12",
        "auto_extend": "on",
        "extension_months": "24",
        "fixed_base_hours": "40",
        "fixed_minutes_per_device": "12",
        "payment_terms_days": "30",
        "customer_1": world.berg.pk,
        "buyer_reference_1": "BERG-MT",
        "customer_2": world.ostersund.pk,
        "buyer_reference_2": "OSD-4711",
        **changes,
    }


def test_mt_admin_records_an_agreement_with_two_customers(world: Any) -> None:
    response = client_for(world.admin).post("/agreements/new/", data(world))
    agreement = Agreement.objects.get(reference="RJH-2026-1")
    assert response.status_code == 302
    assert response["Location"] == f"/agreements/{agreement.pk}/"
    assert sorted(agreement.parties.values_list("buyer_reference", flat=True)) == ["BERG-MT", "OSD-4711"]


def test_a_negative_notice_period_keeps_what_was_typed_and_is_shown_at_its_field(world: Any) -> None:
    response = client_for(world.admin).post("/agreements/new/", data(world, notice_months="-1"))
    html = response.content.decode()
    assert response.status_code == 422
    assert 'value="MT-stöd till kommunerna"' in html
    assert 'value="OSD-4711"' in html
    error = "Ensure this value is greater than or equal to 0."
    assert f'<ul class="errorlist" id="id_notice_months_error"><li>{error}</li></ul>' in html
    assert f'<a href="#id_notice_months">Notice period (months): {error}</a>' in html
    assert not Agreement.objects.exists()


def test_an_end_before_the_start_is_refused_above_the_form_with_the_values_kept(world: Any) -> None:
    response = client_for(world.admin).post("/agreements/new/", data(world, valid_until="2025-12-31"))
    html = response.content.decode()
    assert response.status_code == 422
    form = html[html.index('id="agreement-form"') :]
    box = (
        '<ul class="errorlist nonfield" id="form-errors" tabindex="-1">'
        "<li>An agreement cannot end before it starts.</li></ul>"
    )
    assert box in form
    assert form.index(box) < form.index("id_reference")
    assert '<a href="#form-errors">An agreement cannot end before it starts.</a>' in html
    assert 'value="2025-12-31"' in html


def test_a_buyer_reference_without_its_customer_is_asked_for_at_the_customer(world: Any) -> None:
    response = client_for(world.admin).post(
        "/agreements/new/", data(world, customer_2="", buyer_reference_2="OSD-4711")
    )
    html = response.content.decode()
    assert response.status_code == 422
    error = "Choose the customer this buyer reference belongs to."
    assert f'<ul class="errorlist" id="id_customer_2_error"><li>{error}</li>' in html


def test_a_customer_without_its_buyer_reference_is_refused_by_the_service(world: Any) -> None:
    response = client_for(world.admin).post("/agreements/new/", data(world, buyer_reference_2=""))
    assert response.status_code == 422
    assert "Customers: Give Östersunds kommun&#x27;s buyer reference." in response.content.decode()


@pytest.mark.parametrize("role", ["auditor", "tech", "berg_contact"])
def test_only_mt_admin_may_open_the_new_agreement_page(world: Any, role: str) -> None:
    assert client_for(getattr(world, role)).get("/agreements/new/").status_code == 403


def test_terminating_an_agreement_asks_first(world: Any) -> None:
    from medtek.agreements.tests.factories import AgreementFactory

    agreement = AgreementFactory(provider=world.mt, customers=[world.berg])
    html = client_for(world.admin).get(f"/agreements/{agreement.pk}/").content.decode()
    assert (
        'id="terminate-form" data-confirm="Terminate the agreement? The notice is recorded for good and the '
        'agreement ends when the notice period runs out."'
    ) in html
