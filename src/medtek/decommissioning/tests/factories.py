"""Factories and helpers for the surplus process."""

from __future__ import annotations

import datetime as dt
from typing import Any

from medtek.decommissioning import services
from medtek.decommissioning.models import AidAgreement, SurplusCase
from medtek.inventory.tests.factories import DeviceModelFactory
from medtek.organizations.choices import OrganisationKind
from medtek.organizations.tests.factories import OrganisationFactory


class AidOrganisationFactory(OrganisationFactory):
    name = "Human Bridge"
    kind = OrganisationKind.AID_ORGANISATION


def aid_agreement(region: Any, aid: Any = None, **kwargs: Any) -> AidAgreement:
    kwargs.setdefault("reference", "RS130364")
    kwargs.setdefault("valid_from", dt.date(2013, 11, 6))
    return AidAgreement.objects.create(
        region=region, aid_organisation=aid or AidOrganisationFactory(), **kwargs
    )


def surplus_device(user: Any, owner: Any, **kwargs: Any) -> Any:
    """A device registered through the register's service (with its creation event)."""
    from medtek.inventory.models import Device
    from medtek.inventory.services import device_create

    kwargs.setdefault("asset_number", f"S{Device.objects.count() + 1:06d}")
    kwargs.setdefault("model", DeviceModelFactory())
    return device_create(user=user, owner=owner, **kwargs)


def surplus_case(
    user: Any, devices: list[Any], reason: str = "no_longer_needed", **kwargs: Any
) -> SurplusCase:
    return services.surplus_case_register(user=user, reason=reason, devices=[d.pk for d in devices], **kwargs)
