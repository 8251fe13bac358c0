"""The maintenance pages read their input through Django forms: a bad value is refused at its field, with
what was typed kept, and NaN or infinity is refused by name on the page and in the API alike."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from medtek.maintenance.choices import WorkOrderStatus
from medtek.maintenance.forms import NOT_FINITE, TimeEntryForm
from medtek.maintenance.models import MaterialLine, TimeEntry, TravelEntry
from medtek.maintenance.tests.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db

NOT_FINITE_TEXT = "Give a finite number, not NaN or infinity."


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def wo(world: Any) -> Any:
    return WorkOrderFactory(customer=world.berg, status=WorkOrderStatus.IN_PROGRESS)


def _field_html(html: str, name: str) -> str:
    match = re.search(rf'<div class="field[^"]*" id="field-{name}">(.*?)</div>', html, re.S)
    assert match, f"no field {name}"
    return match.group(1)


def test_the_message_for_nan_is_the_translated_one() -> None:
    assert str(NOT_FINITE) == NOT_FINITE_TEXT


@pytest.mark.parametrize("raw", ["NaN", "nan", "inf", "-Infinity", "sNaN"])
def test_the_time_form_refuses_nan_and_infinity_by_name(raw: str) -> None:
    form = TimeEntryForm({"hours": raw})
    assert form.errors["hours"] == [NOT_FINITE_TEXT]


def test_the_time_form_reads_a_decimal_comma() -> None:
    form = TimeEntryForm(QueryDict("hours=2,5&billable=off&billable=on"))
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["hours"], form.cleaned_data["billable"]) == (Decimal("2.5"), True)


def test_an_unticked_billable_box_is_not_billable() -> None:
    form = TimeEntryForm({"hours": "1", "billable": "off"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["billable"] is False


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("NaN", NOT_FINITE_TEXT),
        ("inf", NOT_FINITE_TEXT),
        ("-2", "Hours must be more than 0."),
        ("1e30", "No more than 24 hours can be logged on one day."),
        ("två", "Enter a number."),
    ],
)
def test_bad_hours_on_the_page_are_shown_at_the_field_with_the_value_kept(
    world: Any, wo: Any, raw: str, message: str
) -> None:
    response = client_for(world.tech).post(
        reverse("maintenance:time_entry_add", kwargs={"work_order_id": wo.pk}),
        {"hours": raw, "note": "Byte av batteri", "billable": ["off", "on"]},
    )
    assert response.status_code == 422
    html = response.content.decode()
    field = _field_html(html, "hours")
    assert message in field
    assert f'value="{raw}"' in field
    assert 'value="Byte av batteri"' in _field_html(html, "note")
    assert not TimeEntry.objects.exists()


def test_a_nan_travel_cost_is_refused_at_its_field(world: Any, wo: Any) -> None:
    response = client_for(world.tech).post(
        reverse("maintenance:travel_entry_add", kwargs={"work_order_id": wo.pk}), {"cost": "NaN"}
    )
    assert response.status_code == 422
    assert NOT_FINITE_TEXT in _field_html(response.content.decode(), "cost")
    assert not TravelEntry.objects.exists()


def test_an_infinite_material_quantity_is_refused_at_its_field(world: Any, wo: Any) -> None:
    response = client_for(world.tech).post(
        reverse("maintenance:material_line_add", kwargs={"work_order_id": wo.pk}),
        {"kind": "spare_part", "description": "Batteri", "quantity": "Infinity", "unit_price": "100"},
    )
    assert response.status_code == 422
    assert NOT_FINITE_TEXT in _field_html(response.content.decode(), "quantity")
    assert not MaterialLine.objects.exists()


def test_a_good_time_entry_from_the_page_is_saved(world: Any, wo: Any) -> None:
    response = client_for(world.tech).post(
        reverse("maintenance:time_entry_add", kwargs={"work_order_id": wo.pk}),
        {"hours": "1,25", "billable": "off"},
    )
    assert response.status_code == 302
    assert TimeEntry.objects.get().hours == Decimal("1.25")
    assert TimeEntry.objects.get().billable is False


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-inf"])
def test_the_api_refuses_nan_and_infinite_hours_without_a_500(world: Any, wo: Any, raw: str) -> None:
    response = client_for(world.tech).post(
        f"/api/v1/maintenance/work-orders/{wo.pk}/time-entries",
        data=json.dumps({"date": "2026-01-05", "hours": raw}),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert "finite" in response.content.decode().lower()
    assert not TimeEntry.objects.exists()


def test_the_service_refuses_nan_hours_by_name(world: Any, wo: Any) -> None:
    from django.core.exceptions import ValidationError

    from medtek.maintenance import services

    with pytest.raises(ValidationError) as exc:
        services.time_entry_add(
            user=world.tech, work_order=wo, date=wo.created_at.date(), hours=Decimal("NaN")
        )
    assert exc.value.message_dict == {"hours": [NOT_FINITE_TEXT]}


def test_a_horizon_that_is_no_number_is_refused_at_the_field(world: Any) -> None:
    response = client_for(world.admin).post(reverse("maintenance:plan"), {"horizon_days": "trettio"})
    assert response.status_code == 422
    assert "Enter a whole number." in response.content.decode()
    assert 'value="trettio"' in response.content.decode()


def test_a_key_figures_period_that_is_no_date_is_refused(world: Any, wo: Any) -> None:
    response = client_for(world.admin).get(reverse("maintenance:key_figures"), {"start": "igår"})
    assert response.status_code == 422
    assert "Enter a valid date." in response.content.decode()
    assert 'value="igår"' in response.content.decode()


def test_a_report_without_a_title_keeps_the_details(world: Any) -> None:
    response = client_for(world.berg_contact).post(
        reverse("maintenance:report"), {"kind": "advice", "customer": world.berg.pk, "description": "Hur?"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "This field is required." in _field_html(html, "title")
    assert "Hur?" in _field_html(html, "description")


def test_closing_asks_for_confirmation_on_the_page(world: Any, wo: Any) -> None:
    html = client_for(world.tech).get(
        reverse("maintenance:work_order_detail", kwargs={"work_order_id": wo.pk})
    )
    assert 'data-confirm="Close this work order? It cannot be changed afterwards."' in html.content.decode()


BOX = '<ul class="errorlist nonfield" id="form-errors" tabindex="-1">'


def _after(html: str, marker: str) -> str:
    return html[html.index(marker) :]


def test_a_fault_reported_without_a_device_is_refused_at_the_top_of_the_form_with_the_text_kept(
    world: Any,
) -> None:
    response = client_for(world.berg_contact).post(
        reverse("maintenance:report"),
        {"kind": "cm", "customer": world.berg.pk, "title": "Skärmen flimrar", "description": "Sedan i går"},
    )
    html = response.content.decode()
    form = _after(html, 'id="report-form"')
    assert response.status_code == 422
    assert f"{BOX}<li>A fault is reported on a device.</li></ul>" in form
    assert form.index(BOX) < form.index('name="kind"')
    assert '<a href="#form-errors">A fault is reported on a device.</a>' in html
    assert 'value="Skärmen flimrar"' in _field_html(html, "title")
    assert "Sedan i går</textarea>" in _field_html(html, "description")


def test_a_refused_assignee_is_shown_at_its_field_with_the_chosen_priority_kept(world: Any, wo: Any) -> None:
    from medtek.maintenance.tests.factories import CMPriorityFactory

    CMPriorityFactory(code="P1", rank=1)
    CMPriorityFactory(code="P2", rank=2)
    response = client_for(world.admin).post(
        reverse("maintenance:work_order_action", kwargs={"work_order_id": wo.pk}),
        {"action": "triage", "priority": "P2", "assigned_to": world.berg_contact.pk},
    )
    html = response.content.decode()
    triage = _after(html, 'id="triage-form"')
    assert response.status_code == 422
    error = "Assign a technician who works for this customer."
    assert f'<ul class="errorlist" id="id_assigned_to_error"><li>{error}</li></ul>' in triage
    assert 'id="id_assigned_to" aria-invalid="true" aria-describedby="id_assigned_to_error"' in triage
    assert f'<a href="#id_assigned_to">Assign to: {error}</a>' in html
    assert '<option value="P2" selected>' in triage and '<option value="P1" selected>' not in triage
    assert BOX not in html


def test_marking_a_quality_control_done_without_its_protocol_is_refused_above_the_buttons(
    world: Any,
) -> None:
    qc = WorkOrderFactory(customer=world.berg, status=WorkOrderStatus.IN_PROGRESS, kind="qc")
    response = client_for(world.tech).post(
        reverse("maintenance:work_order_action", kwargs={"work_order_id": qc.pk}),
        {"action": "complete", "resolution": "Mätt och godkänd"},
    )
    html = response.content.decode()
    actions = _after(html, 'id="wo-actions"')
    assert response.status_code == 422
    error = "A quality control needs a recorded protocol before it is done."
    assert actions.index(f"{BOX}<li>Status: {error}</li></ul>") < actions.index("<form")
    assert f'<a href="#form-errors">Status: {error}</a>' in html
    assert 'value="Mätt och godkänd"' in actions
    assert qc.__class__.objects.get(pk=qc.pk).status == WorkOrderStatus.IN_PROGRESS


def test_waiting_without_a_reason_is_refused_at_the_reason(world: Any, wo: Any) -> None:
    response = client_for(world.tech).post(
        reverse("maintenance:work_order_action", kwargs={"work_order_id": wo.pk}),
        {"action": "wait", "waiting_reason": ""},
    )
    html = response.content.decode()
    actions = _after(html, 'id="wo-actions"')
    assert response.status_code == 422
    error = "Say what the work is waiting for: parts or the customer."
    assert f'<ul class="errorlist" id="id_waiting_reason_error"><li>{error}</li></ul>' in actions
    assert '<a href="#id_waiting_reason">' in html
    assert '<option value="parts">' in actions  # the reasons to choose from
    assert BOX not in html
