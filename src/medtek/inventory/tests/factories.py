"""Factories for the register."""

from __future__ import annotations

import factory
import factory.random

from medtek.inventory.models import Device, DeviceModel, Manufacturer
from medtek.organizations.tests.factories import MunicipalityFactory


class ManufacturerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Manufacturer

    name = factory.Sequence(lambda n: f"Manufacturer {n}")


class DeviceModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeviceModel

    manufacturer = factory.SubFactory(ManufacturerFactory)
    name = factory.Sequence(lambda n: f"Model {n}")
    category = "Infusion pump"
    pm_interval_months = 12


class DeviceFactory(factory.django.DjangoModelFactory):
    """A device saved directly (no event): use `registered_device` when the history matters."""

    class Meta:
        model = Device

    asset_number = factory.Sequence(lambda n: f"T{n:06d}")
    serial_number = factory.Sequence(lambda n: f"SN{n}")
    model = factory.SubFactory(DeviceModelFactory)
    owner = factory.SubFactory(MunicipalityFactory)


def registered_device(user, **kwargs):  # type: ignore[no-untyped-def]
    """A device registered through the service, with its creation event."""
    from medtek.inventory.services import device_create

    kwargs.setdefault(
        "asset_number", f"R{Device.objects.count() + 1:06d}X{factory.random.randgen.randint(0, 10**6)}"
    )
    kwargs.setdefault("model", DeviceModelFactory())
    return device_create(user=user, **kwargs)
