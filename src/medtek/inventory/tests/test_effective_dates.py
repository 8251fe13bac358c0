"""A move, a change of owner and a status change take the day they happened (today or a past day).

A move done last Friday and registered on Monday counts from Friday in the as-of counts (and so in
billing); a day in the future or before the device's last event is refused with the reason.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from medtek.core.models import Event
from medtek.inventory import rules, selectors, services
from medtek.inventory.tests.factories import DeviceModelFactory
from medtek.organizations.tests.factories import LocationFactory

TODAY = dt.date(2026, 12, 7)  # a Monday


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def registered(world: Any, *, days: int = 30, **fields: Any) -> Any:
    """A Berg device registered `days` ago (at ten in the morning)."""
    at = timezone.make_aware(dt.datetime.combine(days_ago(days), dt.time(10, 0)))
    return services.device_create(
        user=world.admin,
        asset_number=fields.pop("asset_number", "EFF-1"),
        model=DeviceModelFactory(),
        owner=fields.pop("owner", world.berg),
        registered_at=at,
        **fields,
    )


# Rules -----------------------------------------------------------------------------------------------


def test_a_change_dated_in_the_future_is_refused_with_the_reason() -> None:
    with pytest.raises(rules.BadEffectiveDate) as exc:
        rules.check_effective_date(dt.date(2026, 12, 8), today=TODAY, last_event_day=None)
    assert str(exc.value) == (
        "2026-12-08 is in the future: register a change when it has happened (today at the latest)."
    )


def test_a_change_dated_before_the_devices_last_event_is_refused_with_the_reason() -> None:
    with pytest.raises(rules.BadEffectiveDate) as exc:
        rules.check_effective_date(dt.date(2026, 12, 3), today=TODAY, last_event_day=dt.date(2026, 12, 4))
    assert str(exc.value) == (
        "2026-12-03 is before the device's last event (2026-12-04): a change cannot be dated before what "
        "its history already holds."
    )


def test_a_change_on_last_fridays_date_is_allowed_on_monday() -> None:
    rules.check_effective_date(dt.date(2026, 12, 4), today=TODAY, last_event_day=dt.date(2026, 11, 2))


def test_a_past_days_change_counts_from_the_start_of_that_day() -> None:
    now = timezone.make_aware(dt.datetime(2026, 12, 7, 9, 30))
    moment = rules.effective_moment(dt.date(2026, 12, 4), today=TODAY, now=now, last_event_at=None)
    assert timezone.localtime(moment) == timezone.make_aware(dt.datetime(2026, 12, 4, 0, 0))


def test_a_past_days_change_follows_an_event_earlier_that_same_day() -> None:
    now = timezone.make_aware(dt.datetime(2026, 12, 7, 9, 30))
    last = timezone.make_aware(dt.datetime(2026, 12, 4, 14, 0))
    assert rules.effective_moment(dt.date(2026, 12, 4), today=TODAY, now=now, last_event_at=last) == last


def test_a_change_effective_today_happens_now() -> None:
    now = timezone.make_aware(dt.datetime(2026, 12, 7, 9, 30))
    assert rules.effective_moment(TODAY, today=TODAY, now=now, last_event_at=None) == now


# Services and the as-of counts ---------------------------------------------------------------------


def test_an_owner_change_dated_three_days_ago_counts_from_that_day(world: Any) -> None:
    device = registered(world)
    services.device_change_owner(
        user=world.admin, device=device, owner=world.ostersund, effective_date=days_ago(3)
    )
    assert selectors.device_counts_as_of(user=world.admin, day=days_ago(4)) == {world.berg.pk: 1}
    assert selectors.device_counts_as_of(user=world.admin, day=days_ago(3)) == {world.ostersund.pk: 1}
    assert selectors.device_counts_as_of(user=world.admin, day=days_ago(1)) == {world.ostersund.pk: 1}


def test_a_status_change_dated_in_the_past_takes_the_device_out_of_the_counts_from_that_day(
    world: Any,
) -> None:
    device = registered(world)
    for status, days in (("surplus", 5), ("decommissioned", 4), ("scrapped", 3)):
        services.device_change_status(
            user=world.admin, device=device, status=status, effective_date=days_ago(days)
        )
    assert selectors.device_counts_as_of(user=world.admin, day=days_ago(4)) == {}
    assert selectors.device_counts_as_of(user=world.admin, day=days_ago(6)) == {world.berg.pk: 1}


def test_a_dated_move_keeps_its_recorded_time_and_the_day_it_happened(world: Any) -> None:
    ward = LocationFactory(organisation=world.berg)
    device = registered(world)
    services.device_move(user=world.admin, device=device, location=ward, effective_date=days_ago(3))
    event = Event.objects.for_device(device.pk).first()
    assert event is not None
    assert timezone.localdate(event.occurred_at) == days_ago(3)
    assert timezone.localdate(event.recorded_at) == timezone.localdate()
    assert event.location_id == ward.pk


def test_a_move_dated_in_the_future_is_refused_and_writes_nothing(world: Any) -> None:
    ward = LocationFactory(organisation=world.berg)
    device = registered(world)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.device_move(user=world.admin, device=device, location=ward, effective_date=tomorrow)
    assert exc.value.message_dict["effective_date"] == [
        f"{tomorrow.isoformat()} is in the future: register a change when it has happened (today at the "
        "latest)."
    ]
    device.refresh_from_db()
    assert device.location_id is None
    assert Event.objects.filter(device_id=device.pk).count() == 1


def test_an_owner_change_dated_before_the_devices_last_event_is_refused(world: Any) -> None:
    device = registered(world, days=10)
    services.device_change_status(
        user=world.admin, device=device, status="out_of_service", effective_date=days_ago(5)
    )
    with pytest.raises(ValidationError) as exc:
        services.device_change_owner(
            user=world.admin, device=device, owner=world.ostersund, effective_date=days_ago(6)
        )
    assert exc.value.message_dict["effective_date"] == [
        f"{days_ago(6).isoformat()} is before the device's last event ({days_ago(5).isoformat()}): a change "
        "cannot be dated before what its history already holds."
    ]
    device.refresh_from_db()
    assert device.owner_id == world.berg.pk


def test_two_changes_dated_the_same_past_day_stay_in_the_order_they_were_made(world: Any) -> None:
    ward = LocationFactory(organisation=world.berg)
    device = registered(world)
    services.device_move(user=world.admin, device=device, location=ward, effective_date=days_ago(3))
    services.device_change_owner(
        user=world.admin, device=device, owner=world.ostersund, effective_date=days_ago(3)
    )
    kinds = [e.kind for e in Event.objects.for_device(device.pk)]
    assert kinds == ["device.owner_changed", "device.moved", "device.created"]
    assert selectors.device_counts_as_of(user=world.admin, day=days_ago(3)) == {world.ostersund.pk: 1}


# API and pages -------------------------------------------------------------------------------------------


def api_client(world: Any) -> Client:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("token", "create", world.admin.username, stdout=out)
    return Client(HTTP_AUTHORIZATION=f"Bearer {out.getvalue().strip()}", HTTP_ACCEPT_LANGUAGE="en")


def test_the_api_owner_change_takes_the_effective_date(world: Any) -> None:
    device = registered(world)
    response = api_client(world).post(
        f"/api/v1/devices/{device.pk}/owner",
        data=json.dumps({"owner_id": world.ostersund.pk, "effective_date": days_ago(3).isoformat()}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert selectors.device_counts_as_of(user=world.admin, day=days_ago(4)) == {world.berg.pk: 1}
    assert selectors.device_counts_as_of(user=world.admin, day=days_ago(3)) == {world.ostersund.pk: 1}


def test_the_api_refuses_a_status_change_dated_in_the_future_with_422(world: Any) -> None:
    device = registered(world)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = api_client(world).post(
        f"/api/v1/devices/{device.pk}/status",
        data=json.dumps({"status": "out_of_service", "effective_date": tomorrow.isoformat()}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"]["effective_date"] == [
        f"{tomorrow.isoformat()} is in the future: register a change when it has happened (today at the "
        "latest)."
    ]


def test_the_move_form_takes_the_day_of_the_move(world: Any) -> None:
    ward = LocationFactory(organisation=world.berg)
    device = registered(world)
    client = Client()
    client.force_login(world.tech)
    response = client.post(
        reverse("inventory:device_move", kwargs={"device_id": device.pk}),
        {"location": ward.pk, "effective_date": days_ago(3).isoformat()},
    )
    assert response.status_code == 302
    event = Event.objects.for_device(device.pk).first()
    assert event is not None and timezone.localdate(event.occurred_at) == days_ago(3)


def test_the_status_form_shows_why_a_date_before_the_history_is_refused(world: Any) -> None:
    device = registered(world, days=2)
    client = Client()
    client.force_login(world.tech)
    response = client.post(
        reverse("inventory:device_status", kwargs={"device_id": device.pk}),
        {"status": "out_of_service", "effective_date": days_ago(5).isoformat()},
    )
    assert response.context["status_form"].errors["effective_date"] == [
        f"{days_ago(5).isoformat()} är före inventariens senaste händelse ({days_ago(2).isoformat()}): en "
        "ändring kan inte dateras före det som redan finns i dess historik."
    ]


def test_the_history_shows_when_a_dated_change_was_registered(world: Any) -> None:
    ward = LocationFactory(organisation=world.berg)
    device = registered(world)
    services.device_move(user=world.admin, device=device, location=ward, effective_date=days_ago(3))
    client = Client()
    client.force_login(world.admin)
    html = client.get(reverse("inventory:device_detail", kwargs={"device_id": device.pk})).content.decode()
    today = timezone.localdate().isoformat()
    assert f'{days_ago(3).isoformat()} 00:00<br><small class="muted">registrerad {today}' in html


def test_the_api_history_gives_both_the_day_it_happened_and_when_it_was_registered(world: Any) -> None:
    ward = LocationFactory(organisation=world.berg)
    device = registered(world)
    services.device_move(user=world.admin, device=device, location=ward, effective_date=days_ago(3))
    (moved, _created) = api_client(world).get(f"/api/v1/devices/{device.pk}/events").json()["items"]
    assert moved["occurred_at"][:10] != moved["recorded_at"][:10]
    assert timezone.localdate(dt.datetime.fromisoformat(moved["occurred_at"])) == days_ago(3)
