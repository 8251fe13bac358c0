"""Demo data: lot numbers on the infusion pumps (each municipality's pumps came in its own two
deliveries), one registered notice for the syringe pumps and one incident awaiting assessment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from medtek.inventory.models import Device
from medtek.inventory.services import device_update
from medtek.safety import services
from medtek.safety.choices import IncidentKind, NoticeAction, PatientHarm, Urgency

# The municipalities in the order their pumps were delivered: the first got lots IS2401 and IS2402,
# the second IS2403 and IS2404, and so on; the lot range IS2401..IS2406 reaches the first three.
DELIVERY_ORDER = ["BERG", "BRACKE", "HARJEDALEN", "KROKOM", "RAGUNDA", "STROMSUND", "ARE", "OSTERSUND"]
PUMP = "Infusomat Space"


def pump_lot(municipality_index: int, device_index: int) -> str:
    return f"IS24{municipality_index * 2 + 1 + device_index % 2:02d}"


def load(ctx: dict[str, Any]) -> None:
    admin = ctx["users"]["mt-admin"]
    orgs = ctx["orgs"]
    pump = ctx["models"][PUMP]
    for m, code in enumerate(DELIVERY_ORDER):
        pumps = Device.objects.filter(owner=orgs[code], model=pump).order_by("asset_number")
        for i, device in enumerate(pumps):
            device_update(user=admin, device=device, lot=pump_lot(m, i))
    syringe = ctx["models"]["Perfusor Space"]
    notice = services.notice_register(
        user=admin,
        manufacturer=syringe.manufacturer,
        reference="FSN-2026-PS-01",
        title="Perfusor Space: programvara 3.2 kan visa fel restvolym",
        issued_on=timezone.localdate() - dt.timedelta(days=10),
        action=NoticeAction.UPDATE_SOFTWARE,
        urgency=Urgency.HIGH,
        instructions=(
            "Uppdatera programvaran till 3.2.1 vid nästa tillfälle; "
            "kontrollera restvolymen manuellt tills dess."
        ),
        model_ids=[syringe.pk],
    )
    services.notice_find_devices(user=admin, notice=notice)
    ctx["safety_notice"] = notice
    krokom = ctx["users"]["krokom"]
    device = Device.objects.filter(owner=orgs["KROKOM"]).order_by("asset_number").first()
    if device is not None:
        ctx["safety_incident"] = services.incident_report(
            user=krokom,
            device=device,
            kind=IncidentKind.NEAR_MISS,
            occurred_at=timezone.now() - dt.timedelta(days=3),
            place="Särskilt boende, rum 12",
            description=(
                "Larmet hördes inte när slangen klämdes; upptäcktes av personalen innan patienten påverkades."
            ),
            patient_harm=PatientHarm.NO,
        )
