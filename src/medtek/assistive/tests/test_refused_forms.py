"""A refused prescription, dispensing, fitting or return comes back as typed (422), the refusal at its
field or, for one of the whole form, at the top of the form; nothing is written."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.test import Client

from medtek.assistive.models import Loan, Prescription
from medtek.assistive.tests.test_services import dispense, prescribe
from medtek.core.models import Event


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def inside(html: str, form_id: str) -> str:
    """The HTML of the form with this id."""
    start = html.index(f'id="{form_id}"')
    return html[start : html.index("</form>", start)]


def test_a_refused_personnummer_is_shown_at_its_field_with_the_rest_kept(hmc_world: Any) -> None:
    w = hmc_world
    response = client_for(w.prescriber_user).post(
        "/assistive/prescriptions/new/",
        {
            "patient_identity": "19121212-1213",
            "article": w.lift.pk,
            "need": "Förflyttning",
            "delivery_address": "Gatan 1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'aria-invalid="true" aria-describedby="id_patient_identity_error"' in html
    assert '<ul class="errorlist" id="id_patient_identity_error"><li>The check digit is wrong' in html
    assert 'value="19121212-1213"' in html and 'value="Gatan 1"' in html and "Förflyttning</textarea>" in html
    assert '<a href="#id_patient_identity">' in html
    assert not Prescription.objects.exists()


def test_dispensing_without_an_item_is_shown_at_the_item_with_the_delivery_kept(hmc_world: Any) -> None:
    w = hmc_world
    p = prescribe(w)
    response = client_for(w.hmc).post(
        f"/assistive/prescriptions/{p.pk}/dispense/", {"device": "", "delivered_to": "Korridor B"}
    )
    form = inside(response.content.decode(), "dispense-form")
    assert response.status_code == 422
    assert 'aria-invalid="true" aria-describedby="id_device_error"' in form
    assert '<ul class="errorlist" id="id_device_error"><li>This field is required.</li></ul>' in form
    assert 'value="Korridor B"' in form
    assert not Loan.objects.exists()


def test_dispensing_a_prescription_already_dispensed_is_refused_at_the_top_of_the_form(
    hmc_world: Any,
) -> None:
    w = hmc_world
    p = prescribe(w)
    dispense(w, p)
    events = Event.objects.count()
    response = client_for(w.hmc).post(
        f"/assistive/prescriptions/{p.pk}/dispense/", {"device": w.items[1].device_id, "delivered_to": "Hem"}
    )
    html = response.content.decode()
    form = inside(html, "dispense-form")
    assert response.status_code == 422
    assert form.index('<ul class="errorlist nonfield" id="form-errors" tabindex="-1">') < form.index(
        "id_device"
    )
    assert "This prescription is not waiting for dispensing." in form
    assert '<a href="#form-errors">This prescription is not waiting for dispensing.</a>' in html
    assert 'value="Hem"' in form
    assert Loan.objects.count() == 1 and Event.objects.count() == events


def test_a_fitting_refused_is_shown_at_its_field_with_the_rest_kept(hmc_world: Any) -> None:
    w = hmc_world
    loan = dispense(w, prescribe(w))
    response = client_for(w.hmc).post(
        f"/assistive/loans/{loan.pk}/fitting/",
        {"fitted": "on", "adjustments": "x" * 2001, "result": "Sitter bra"},
    )
    form = inside(response.content.decode(), "fitting-form")
    assert response.status_code == 422
    assert 'aria-invalid="true" aria-describedby="id_adjustments_error"' in form
    assert '<ul class="errorlist" id="id_adjustments_error">' in form
    assert 'value="Sitter bra"' in form and 'name="fitted" id="id_fitted" checked' in form
    loan.refresh_from_db()
    assert loan.fitted_on is None


def test_a_return_without_its_condition_is_shown_at_the_condition_not_as_a_message(hmc_world: Any) -> None:
    w = hmc_world
    loan = dispense(w, prescribe(w))
    response = client_for(w.hmc).post(f"/assistive/loans/{loan.pk}/return/", {"note": "Repig bygel"})
    html = response.content.decode()
    form = inside(html, "return-form")
    assert response.status_code == 422
    assert 'aria-invalid="true" aria-describedby="id_condition_error"' in form
    assert '<ul class="errorlist" id="id_condition_error"><li>This field is required.</li></ul>' in form
    assert 'value="Repig bygel"' in form
    assert '<a href="#id_condition">Condition: This field is required.</a>' in html
    assert 'class="messages"' not in html
    loan.refresh_from_db()
    assert loan.returned_on is None


def test_a_second_return_is_refused_at_the_top_of_the_return_form(hmc_world: Any) -> None:
    from medtek.assistive import services

    w = hmc_world
    loan = dispense(w, prescribe(w))
    services.loan_return(user=w.hmc, loan=loan, condition="good")
    events = Event.objects.count()
    response = client_for(w.hmc).post(
        f"/assistive/loans/{loan.pk}/return/", {"condition": "worn", "note": "Igen"}
    )
    html = response.content.decode()
    form = inside(html, "return-form")
    assert response.status_code == 422
    assert form.index('id="form-errors"') < form.index("id_condition")
    assert "The item is not on loan: there is nothing to return." in form
    assert '<option value="worn" selected>' in form and 'value="Igen"' in form
    assert 'class="messages"' not in html
    loan.refresh_from_db()
    assert loan.return_condition == "good" and Event.objects.count() == events
