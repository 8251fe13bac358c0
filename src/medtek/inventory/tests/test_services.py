"""Writes to the register: validated, scoped, atomic, and each one in the traceability log."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from medtek.core.models import Event
from medtek.inventory import services
from medtek.inventory.models import Device
from medtek.inventory.tests.factories import DeviceModelFactory, registered_device
from medtek.organizations.tests.factories import LocationFactory

GTIN = "07610000000011"


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def errors_of(exc: Any) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_device_create_writes_the_device_and_its_created_event(world: Any) -> None:
    device = services.device_create(
        user=world.admin, asset_number=" MT-1 ", model=DeviceModelFactory(), owner=world.berg
    )
    assert device.asset_number == "MT-1"
    event = Event.objects.get(device_id=device.pk)
    assert (event.kind, event.owner_id, event.status, event.in_register) == (
        "device.created",
        world.berg.pk,
        "in_use",
        True,
    )


def test_device_create_fills_udi_fields_from_a_scanned_barcode(world: Any) -> None:
    device = services.device_create(
        user=world.admin,
        asset_number="MT-2",
        model=DeviceModelFactory(),
        owner=world.berg,
        barcode=f"(01){GTIN}(17)271231(10)L1(21)S1",
    )
    assert (device.udi_di, device.serial_number, device.lot, str(device.expiry_date)) == (
        GTIN,
        "S1",
        "L1",
        "2027-12-31",
    )


def test_device_create_refuses_a_duplicate_asset_number(world: Any) -> None:
    registered_device(world.admin, asset_number="MT-3", owner=world.berg)
    with pytest.raises(ValidationError) as exc:
        services.device_create(
            user=world.admin, asset_number="MT-3", model=DeviceModelFactory(), owner=world.berg
        )
    assert errors_of(exc)["asset_number"] == ["A device with this asset number is already registered."]


def test_device_create_refuses_an_owner_outside_the_users_reach(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.device_create(
            user=world.admin, asset_number="MT-4", model=DeviceModelFactory(), owner=world.foreign
        )
    assert errors_of(exc)["owner"] == ["Unknown organisation, or one you may not register devices for."]
    assert not Device.objects.exists()


def test_customer_contact_may_not_register_devices(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.device_create(
            user=world.berg_contact, asset_number="MT-5", model=DeviceModelFactory(), owner=world.berg
        )


def test_sterile_device_needs_its_expiry_date(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.device_create(
            user=world.admin,
            asset_number="MT-6",
            model=DeviceModelFactory(),
            owner=world.berg,
            is_sterile=True,
        )
    assert errors_of(exc)["expiry_date"] == ["A sterile device needs its expiry date."]


def test_negative_acquisition_value_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.device_create(
            user=world.admin,
            asset_number="MT-7",
            model=DeviceModelFactory(),
            owner=world.berg,
            acquisition_value=Decimal("-1.00"),
        )
    assert errors_of(exc)["acquisition_value"] == ["The acquisition value cannot be negative."]


def test_placement_must_be_one_of_the_owners_locations(world: Any) -> None:
    elsewhere = LocationFactory(organisation=world.ostersund)
    with pytest.raises(ValidationError) as exc:
        services.device_create(
            user=world.admin,
            asset_number="MT-8",
            model=DeviceModelFactory(),
            owner=world.berg,
            location=elsewhere,
        )
    assert errors_of(exc)["location"] == ["The placement must be one of the owner's locations."]


def test_device_update_records_before_and_after(world: Any) -> None:
    device = registered_device(world.admin, owner=world.berg, serial_number="A")
    services.device_update(user=world.admin, device=device, serial_number="B")
    event = Event.objects.filter(device_id=device.pk).first()
    assert event is not None
    assert (event.kind, event.data) == (
        "device.updated",
        {"before": {"serial_number": "A"}, "after": {"serial_number": "B"}},
    )


def test_device_update_without_a_change_writes_no_event(world: Any) -> None:
    device = registered_device(world.admin, owner=world.berg, serial_number="A")
    before = Event.objects.count()
    services.device_update(user=world.admin, device=device, serial_number="A")
    assert Event.objects.count() == before


def test_device_update_refuses_the_owner_field(world: Any) -> None:
    device = registered_device(world.admin, owner=world.berg)
    with pytest.raises(ValidationError) as exc:
        services.device_update(user=world.admin, device=device, owner=world.ostersund)
    assert errors_of(exc)["owner"] == ["This field cannot be changed here."]


def test_device_move_places_the_device_and_logs_the_move(world: Any) -> None:
    ward = LocationFactory(organisation=world.berg)
    device = registered_device(world.admin, owner=world.berg)
    services.device_move(user=world.admin, device=device, location=ward)
    event = Event.objects.filter(device_id=device.pk).first()
    assert event is not None
    assert (event.kind, event.location_id, event.data["after"]) == ("device.moved", ward.pk, ward.pk)


def test_device_move_to_another_owners_location_is_refused(world: Any) -> None:
    device = registered_device(world.admin, owner=world.berg)
    with pytest.raises(ValidationError) as exc:
        services.device_move(
            user=world.admin, device=device, location=LocationFactory(organisation=world.ostersund)
        )
    assert errors_of(exc)["location"] == ["The placement must be one of the owner's locations."]


def test_device_move_to_where_it_is_is_refused(world: Any) -> None:
    device = registered_device(world.admin, owner=world.berg)
    with pytest.raises(ValidationError) as exc:
        services.device_move(user=world.admin, device=device, location=None)
    assert errors_of(exc)["location"] == ["The device is already there."]


def test_device_change_owner_transfers_and_logs_both_owners(world: Any) -> None:
    device = registered_device(world.admin, owner=world.berg)
    services.device_change_owner(user=world.admin, device=device, owner=world.ostersund)
    event = Event.objects.filter(device_id=device.pk).first()
    assert event is not None
    assert (event.kind, event.owner_id, event.data["before"]["owner"]) == (
        "device.owner_changed",
        world.ostersund.pk,
        world.berg.pk,
    )


def test_device_change_owner_to_the_same_owner_is_refused(world: Any) -> None:
    device = registered_device(world.admin, owner=world.berg)
    with pytest.raises(ValidationError) as exc:
        services.device_change_owner(user=world.admin, device=device, owner=world.berg)
    assert errors_of(exc)["owner"] == ["The device already belongs to this organisation."]


def test_device_change_status_follows_the_lifecycle(world: Any) -> None:
    device = registered_device(world.admin, owner=world.berg)
    services.device_change_status(user=world.admin, device=device, status="surplus", reason="replaced")
    event = Event.objects.filter(device_id=device.pk).first()
    assert event is not None
    assert (event.kind, event.status, event.message) == ("device.status_changed", "surplus", "replaced")


def test_device_change_status_refuses_an_illegal_jump_with_the_reason(world: Any) -> None:
    device = registered_device(world.admin, owner=world.berg)
    with pytest.raises(ValidationError) as exc:
        services.device_change_status(user=world.admin, device=device, status="donated")
    assert errors_of(exc)["status"][0].startswith("A device that is 'In use' cannot become 'Donated'")
    device.refresh_from_db()
    assert device.status == "in_use"


def test_a_scrapped_device_leaves_the_register_in_its_event_snapshot(world: Any) -> None:
    device = registered_device(world.admin, owner=world.berg)
    for status in ("surplus", "decommissioned", "scrapped"):
        services.device_change_status(user=world.admin, device=device, status=status)
    assert Event.objects.filter(device_id=device.pk).first().in_register is False  # type: ignore[union-attr]


def test_changing_another_tenants_device_looks_like_a_missing_one(world: Any) -> None:
    device = registered_device(world.foreign_admin, owner=world.foreign)
    with pytest.raises(Http404):
        services.device_change_status(user=world.admin, device=device, status="surplus")


def test_bulk_register_writes_devices_and_events_set_based(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    model = DeviceModelFactory()
    devices = [Device(asset_number=f"B-{i}", model=model, owner=world.berg) for i in range(100)]
    with django_assert_max_num_queries(13):
        services.device_bulk_register(user=world.admin, devices=devices)
    assert Event.objects.filter(kind="device.created").count() == 100


def test_bulk_register_refuses_a_foreign_owner(world: Any) -> None:
    devices = [Device(asset_number="B-1", model=DeviceModelFactory(), owner=world.foreign)]
    with pytest.raises(PermissionDenied):
        services.device_bulk_register(user=world.admin, devices=devices)


def test_bulk_register_names_asset_numbers_already_registered(world: Any) -> None:
    registered_device(world.admin, asset_number="B-1", owner=world.berg)
    with pytest.raises(ValidationError) as exc:
        services.device_bulk_register(
            user=world.admin,
            devices=[Device(asset_number="B-1", model=DeviceModelFactory(), owner=world.berg)],
        )
    assert errors_of(exc)["asset_number"] == ["Already registered: B-1"]
