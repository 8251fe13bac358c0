"""Factories and helpers for notices and incidents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from medtek.inventory.models import Device, DeviceModel
from medtek.inventory.tests.factories import DeviceFactory, DeviceModelFactory
from medtek.safety import services
from medtek.safety.models import Incident, SafetyNotice

# A valid GTIN-14 (check digit 9) and one with a wrong check digit.
GTIN = "07350012345679"
BAD_GTIN = "07350012345671"


def pump(owner: Any, *, model: DeviceModel | None = None, **kwargs: Any) -> Device:
    return DeviceFactory(owner=owner, model=model or DeviceModelFactory(), **kwargs)


def notice(user: Any, model: DeviceModel, **kwargs: Any) -> SafetyNotice:
    """A notice for `model`, registered through the service."""
    kwargs.setdefault("reference", f"FSN-{SafetyNotice.objects.count() + 1:03d}")
    kwargs.setdefault("title", "Alarm may fail")
    kwargs.setdefault("issued_on", dt.date(2026, 3, 2))
    kwargs.setdefault("action", "inspect")
    kwargs.setdefault("urgency", "high")
    kwargs.setdefault("model_ids", [model.pk])
    return services.notice_register(user=user, manufacturer=model.manufacturer, **kwargs)


def incident(user: Any, device: Device, **kwargs: Any) -> Incident:
    kwargs.setdefault("kind", "adverse_event")
    kwargs.setdefault("occurred_at", timezone.now() - dt.timedelta(days=1))
    kwargs.setdefault("place", "Avdelning 3")
    kwargs.setdefault("description", "The pump stopped without an alarm.")
    kwargs.setdefault("patient_harm", "unknown")
    return services.incident_report(user=user, device=device, **kwargs)
