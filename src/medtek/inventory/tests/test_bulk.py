"""Bulk actions on a filtered selection, saved filters and the list's sortable columns."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from medtek.core.models import Event
from medtek.inventory import bulk, services
from medtek.inventory.choices import DeviceStatus, EventKind
from medtek.inventory.filters import DeviceFilter
from medtek.inventory.models import Device, SavedFilter
from medtek.inventory.tests.factories import DeviceFactory, DeviceModelFactory
from medtek.organizations.models import Location

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def defibs(world: Any) -> list[Device]:
    model = DeviceModelFactory(name="LIFEPAK 15", category="Defibrillator")
    return [DeviceFactory(owner=world.berg, asset_number=f"D{i}", model=model) for i in range(3)]


def test_bulk_move_moves_every_selected_device_with_an_event_each(
    world: Any, defibs: list[Device], django_assert_max_num_queries: Any
) -> None:
    DeviceFactory(owner=world.berg, asset_number="X1")
    ward = Location.objects.create(organisation=world.berg, name="Akuten", code="AK")
    with django_assert_max_num_queries(12):
        moved = bulk.devices_move(
            user=world.admin, filters=DeviceFilter(q="defibrillator", owner=world.berg.pk), location=ward.pk
        )
    assert moved == 3
    assert set(Device.objects.filter(location=ward).values_list("asset_number", flat=True)) == {
        "D0",
        "D1",
        "D2",
    }
    events = Event.objects.filter(kind=EventKind.MOVED, device_id__in=[d.pk for d in defibs])
    assert events.count() == 3
    assert {e.location_id for e in events} == {ward.pk}
    assert all(e.actor_id == world.admin.pk and e.data["after"] == ward.pk for e in events)


def test_bulk_move_refuses_devices_of_another_owner(world: Any, defibs: list[Device]) -> None:
    DeviceFactory(owner=world.ostersund, asset_number="D9", model=defibs[0].model)
    ward = Location.objects.create(organisation=world.berg, name="Akuten", code="AK")
    with pytest.raises(ValidationError) as exc:
        bulk.devices_move(user=world.admin, filters=DeviceFilter(q="defibrillator"), location=ward.pk)
    assert exc.value.message_dict["location"] == [
        "1 inventarie tillhör en annan ägare än placeringen: filtrera på en ägare."
    ]
    assert not Device.objects.filter(location=ward).exists()


def test_bulk_status_change_writes_an_event_per_device(world: Any, defibs: list[Device]) -> None:
    changed = bulk.devices_change_status(
        user=world.admin,
        filters=DeviceFilter(category="defibrillator"),
        status="out_of_service",
        reason="Recall",
    )
    assert changed == 3
    assert set(Device.objects.filter(pk__in=[d.pk for d in defibs]).values_list("status", flat=True)) == {
        "out_of_service"
    }
    events = Event.objects.filter(kind=EventKind.STATUS_CHANGED, device_id__in=[d.pk for d in defibs])
    assert [(e.status, e.message, e.data["before"]) for e in events] == [
        ("out_of_service", "Recall", "in_use")
    ] * 3


def test_bulk_status_change_refuses_an_illegal_jump_for_any_device(world: Any, defibs: list[Device]) -> None:
    Device.objects.filter(pk=defibs[0].pk).update(status=DeviceStatus.SCRAPPED)
    with pytest.raises(ValidationError):
        bulk.devices_change_status(user=world.admin, filters=DeviceFilter(q="defib"), status="in_use")
    with pytest.raises(ValidationError):
        bulk.devices_change_status(user=world.admin, filters=DeviceFilter(q="defib"), status="out_of_service")
    assert Device.objects.get(pk=defibs[1].pk).status == DeviceStatus.IN_USE


@pytest.mark.parametrize("who", ["tech", "auditor", "berg_contact"])
def test_only_an_mt_admin_may_change_many_devices(world: Any, defibs: list[Device], who: str) -> None:
    with pytest.raises(PermissionDenied):
        bulk.devices_change_status(user=getattr(world, who), filters=DeviceFilter(), status="out_of_service")
    assert (
        client_for(getattr(world, who)).get(reverse("inventory:device_bulk"), {"action": "move"}).status_code
        == 403
    )


def test_bulk_page_says_how_many_devices_before_it_acts(world: Any, defibs: list[Device]) -> None:
    client = client_for(world.admin)
    url = reverse("inventory:device_bulk")
    page = client.get(url, {"action": "status", "q": "defibrillator"})
    assert "Filtret väljer 3 inventarier." in page.content.decode()
    assert Event.objects.filter(kind=EventKind.STATUS_CHANGED).count() == 0
    done = client.post(
        url, {"action": "status", "q": "defibrillator", "new-status": "out_of_service", "new-reason": ""}
    )
    assert done.status_code == 302, done.content.decode().split("<main")[-1][:1500]
    assert done["Location"].endswith("?q=defibrillator")
    assert Event.objects.filter(kind=EventKind.STATUS_CHANGED).count() == 3


def test_saved_filters_are_the_users_own(world: Any) -> None:
    client = client_for(world.admin)
    client.post(
        reverse("inventory:saved_filter_save"), {"name": "Defibrillatorer", "query": "q=defib&bogus=1"}
    )
    saved = SavedFilter.objects.get(owner=world.admin)
    assert (saved.name, saved.query) == ("Defibrillatorer", "q=defib")
    assert "Defibrillatorer" in client.get(reverse("inventory:device_list")).content.decode()
    assert (
        "Defibrillatorer" not in client_for(world.tech).get(reverse("inventory:device_list")).content.decode()
    )
    other = client_for(world.tech).post(
        reverse("inventory:saved_filter_delete", kwargs={"filter_id": saved.pk})
    )
    assert other.status_code == 404
    client.post(reverse("inventory:saved_filter_delete", kwargs={"filter_id": saved.pk}))
    assert not SavedFilter.objects.exists()


def test_saving_a_filter_checks_it(world: Any) -> None:
    with pytest.raises(ValidationError):
        services.saved_filter_save(user=world.admin, name="x", query={"status": "nonsense"})


def test_column_headings_sort_the_list_and_keep_the_filter(world: Any) -> None:
    DeviceFactory(owner=world.berg, asset_number="A2", serial_number="S1")
    DeviceFactory(owner=world.berg, asset_number="A1", serial_number="S2")
    client = client_for(world.admin)
    page = client.get(reverse("inventory:device_list"), {"owner": world.berg.pk, "sort": "serial_number"})
    html = page.content.decode()
    assert html.index(">A2<") < html.index(">A1<")
    assert f"?owner={world.berg.pk}&amp;sort=-serial_number" in html


BOX = '<ul class="errorlist nonfield" id="new-form-errors" tabindex="-1">'


def test_a_bulk_status_the_devices_already_have_is_refused_at_the_status_with_the_reason_kept(
    world: Any, defibs: list[Device]
) -> None:
    response = client_for(world.admin).post(
        reverse("inventory:device_bulk"),
        {"action": "status", "q": "defibrillator", "new-status": "in_use", "new-reason": "Inventering"},
    )
    html = response.content.decode()
    form = html[html.index('id="bulk-form"') :]
    assert response.status_code == 422
    error = "Inventarierna har redan den statusen."
    assert f'<ul class="errorlist" id="id_new-status_error"><li>{error}</li></ul>' in form
    assert '<a href="#id_new-status">' in html
    assert 'value="Inventering"' in form
    assert BOX not in html
    assert Event.objects.filter(kind=EventKind.STATUS_CHANGED).count() == 0


def test_a_bulk_action_refused_as_a_whole_is_shown_at_the_top_of_its_form(
    world: Any, defibs: list[Device], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(**_kwargs: Any) -> int:
        raise ValidationError("Registret läses om just nu: försök igen om en stund.")

    monkeypatch.setattr(bulk, "devices_change_status", refuse)
    response = client_for(world.admin).post(
        reverse("inventory:device_bulk"),
        {"action": "status", "q": "defib", "new-status": "out_of_service", "new-reason": "Återkallelse"},
    )
    html = response.content.decode()
    form = html[html.index('id="bulk-form"') :]
    assert response.status_code == 422
    assert f"{BOX}<li>Registret läses om just nu: försök igen om en stund.</li></ul>" in form
    assert form.index(BOX) < form.index('name="new-status"')
    assert '<a href="#new-form-errors">Registret läses om just nu' in html
    assert '<option value="out_of_service" selected>' in form and 'value="Återkallelse"' in form


def test_the_bulk_fu_interval_sets_the_interval_of_every_selected_device(
    world: Any, defibs: list[Device]
) -> None:
    from medtek.maintenance.models import DevicePMState

    response = client_for(world.admin).post(
        reverse("inventory:device_bulk"), {"action": "fu_interval", "q": "defibrillator", "new-months": "6"}
    )
    assert response.status_code == 302
    states = DevicePMState.objects.filter(device__in=defibs)
    assert sorted(s.interval_months for s in states) == [6, 6, 6]


def test_a_bad_page_of_the_device_list_is_named_at_the_top_of_the_filter_form(world: Any) -> None:
    response = client_for(world.admin).get(reverse("inventory:device_list"), {"cursor": "inte-en-sida"})
    html = response.content.decode()
    form = html[html.index('id="device-filters"') :]
    assert '<ul class="errorlist nonfield" id="form-errors" tabindex="-1"><li>' in form
    assert '<a href="#form-errors">' in html
