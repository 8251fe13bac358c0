"""Demo register: realistic device models and exactly the source's device counts per municipality."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from medtek.inventory.choices import DeviceStatus, MaintenanceResponsibility, RiskClass
from medtek.inventory.models import Device, DeviceModel, Manufacturer
from medtek.inventory.services import device_bulk_register

# The source's Table 1 (counts at 2025-06-30): Berg 50, Bräcke 60, ... Östersund 381; total 923.
SOURCE_COUNTS = {
    "BERG": 50,
    "BRACKE": 60,
    "HARJEDALEN": 96,
    "KROKOM": 90,
    "RAGUNDA": 41,
    "STROMSUND": 152,
    "ARE": 53,
    "OSTERSUND": 381,
}
SOURCE_COUNT_DATE = dt.date(2025, 6, 30)

# (manufacturer, model, category, EMDN code, risk class, PM months, function, physical risk, maintenance,
#  MT competence, stores patient data, radiation source, assistive, weight in municipal stock, value SEK)
MODELS = [
    (
        "B. Braun",
        "Infusomat Space",
        "Infusionspump",
        "Z12030101",
        RiskClass.IIB,
        12,
        9,
        4,
        3,
        True,
        False,
        False,
        False,
        6,
        28000,
    ),
    (
        "B. Braun",
        "Perfusor Space",
        "Sprutpump",
        "Z12030102",
        RiskClass.IIB,
        12,
        9,
        4,
        3,
        True,
        False,
        False,
        False,
        3,
        24000,
    ),
    (
        "Arjo",
        "Enterprise 9000",
        "Vårdsäng",
        "V080101",
        RiskClass.I,
        24,
        5,
        3,
        2,
        True,
        False,
        False,
        True,
        14,
        42000,
    ),
    (
        "Invacare",
        "Medley Ergo",
        "Vårdsäng",
        "V080101",
        RiskClass.I,
        24,
        5,
        3,
        2,
        True,
        False,
        False,
        True,
        10,
        31000,
    ),
    (
        "Arjo",
        "Maxi Move",
        "Personlyft",
        "Y121203",
        RiskClass.I,
        12,
        5,
        4,
        3,
        True,
        False,
        False,
        True,
        8,
        56000,
    ),
    (
        "Liko",
        "Viking M",
        "Personlyft",
        "Y121203",
        RiskClass.I,
        12,
        5,
        4,
        3,
        True,
        False,
        False,
        True,
        6,
        48000,
    ),
    (
        "Zoll",
        "AED Plus",
        "Defibrillator",
        "Z12031001",
        RiskClass.III,
        12,
        10,
        5,
        3,
        True,
        True,
        False,
        False,
        4,
        19000,
    ),
    (
        "Philips",
        "HeartStart FRx",
        "Defibrillator",
        "Z12031001",
        RiskClass.III,
        12,
        10,
        5,
        3,
        True,
        True,
        False,
        False,
        2,
        21000,
    ),
    (
        "Laerdal",
        "LSU",
        "Sug",
        "Z12060101",
        RiskClass.IIA,
        12,
        8,
        3,
        2,
        True,
        False,
        False,
        False,
        5,
        14000,
    ),
    (
        "Philips",
        "SimplyGo",
        "Oxygenkoncentrator",
        "Z12040201",
        RiskClass.IIA,
        12,
        8,
        3,
        3,
        True,
        False,
        False,
        True,
        3,
        23000,
    ),
    (
        "Omron",
        "M6 Comfort",
        "Blodtrycksmätare",
        "Z12010101",
        RiskClass.IIA,
        24,
        6,
        2,
        1,
        True,
        False,
        False,
        False,
        6,
        1200,
    ),
    (
        "Masimo",
        "Rad-5v",
        "Pulsoximeter",
        "Z12010201",
        RiskClass.IIB,
        24,
        6,
        2,
        1,
        True,
        False,
        False,
        False,
        4,
        6500,
    ),
    (
        "Hamilton Medical",
        "Hamilton-C1",
        "Respirator",
        "Z12030201",
        RiskClass.IIB,
        6,
        10,
        5,
        5,
        True,
        True,
        False,
        False,
        0,
        310000,
    ),
    (
        "Drägerwerk",
        "Babyleo TN500",
        "Kuvös",
        "Z12110101",
        RiskClass.IIB,
        6,
        9,
        5,
        4,
        True,
        True,
        False,
        False,
        0,
        420000,
    ),
    (
        "Siemens Healthineers",
        "Mobilett Elara Max",
        "Mobil röntgen",
        "Z11030101",
        RiskClass.IIB,
        12,
        7,
        4,
        4,
        False,
        True,
        True,
        False,
        0,
        1100000,
    ),
    (
        "GE HealthCare",
        "LOGIQ E10",
        "Ultraljudsapparat",
        "Z11040101",
        RiskClass.IIA,
        12,
        7,
        3,
        3,
        True,
        True,
        False,
        False,
        0,
        850000,
    ),
    (
        "Medline",
        "Foley catheter 14 Ch (sterile)",
        "Urinkateter",
        "U030101",
        RiskClass.IIA,
        None,
        2,
        2,
        1,
        True,
        False,
        False,
        False,
        0,
        35,
    ),
]


def _manufacturers() -> dict[str, Manufacturer]:
    return {name: Manufacturer.objects.get_or_create(name=name)[0] for name in {m[0] for m in MODELS}}


def _models() -> dict[str, DeviceModel]:
    makers = _manufacturers()
    out: dict[str, DeviceModel] = {}
    for (
        maker,
        name,
        category,
        code,
        risk,
        pm,
        fn,
        phys,
        maint,
        competence,
        _pd,
        _rad,
        assistive,
        _w,
        _v,
    ) in MODELS:
        model, _ = DeviceModel.objects.update_or_create(
            manufacturer=makers[maker],
            name=name,
            defaults={
                "category": category,
                "nomenclature_code": code,
                "risk_class": risk,
                "pm_interval_months": pm,
                "function_score": fn,
                "physical_risk_score": phys,
                "maintenance_need_score": maint,
                "mt_competence": competence,
                "is_sterile": "sterile" in name,
                "is_single_use": "sterile" in name,
                "is_assistive": assistive,
            },
        )
        out[name] = model
    return out


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def load(ctx: dict[str, Any]) -> None:
    rng = random.Random(923)
    models = _models()
    ctx["models"] = models
    admin = ctx["users"]["mt-admin"]
    spec = {row[1]: row for row in MODELS}
    municipal = [row for row in MODELS if row[13] > 0]
    weights = [row[13] for row in municipal]
    devices: list[Device] = []
    when: list[dt.datetime | None] = []
    serial = 100000
    for code, count in SOURCE_COUNTS.items():
        org = ctx["orgs"][code]
        locations = ctx["locations"][code]
        for i in range(count):
            row = rng.choices(municipal, weights=weights)[0]
            model = models[row[1]]
            serial += 1
            # Acquired between 2015 and the source's count date, so the counts at 2025-06-30 are the source's.
            acquired = dt.date(2015, 1, 1) + dt.timedelta(
                days=rng.randrange(0, (SOURCE_COUNT_DATE - dt.date(2015, 1, 1)).days)
            )
            devices.append(
                Device(
                    asset_number=f"MT{serial}",
                    serial_number=f"{row[0][:2].upper()}{rng.randrange(10**6, 10**7)}",
                    model=model,
                    owner=org,
                    location=locations[i % len(locations)],
                    status=DeviceStatus.IN_USE,
                    acquisition_date=acquired,
                    acquisition_value=Decimal(row[14]),
                    warranty_end=acquired + dt.timedelta(days=3 * 365),
                    stores_patient_data=row[10],
                    has_radiation_source=row[11],
                )
            )
            when.append(_aware(acquired))
    device_bulk_register(user=admin, devices=devices, registered_at=when)

    # Region Halland's hospital equipment, answered for by MTH (and a bed pool at HMC).
    halland = ctx["orgs"]["RH"]
    mth_user = ctx["users"]["mth"]
    locs = ctx["locations"]["RH"]
    halland_rows = [
        ("GE HealthCare", "LOGIQ E10", 3, locs[0]),
        ("Siemens Healthineers", "Mobilett Elara Max", 2, locs[0]),
        ("Hamilton Medical", "Hamilton-C1", 4, locs[1]),
        ("Drägerwerk", "Babyleo TN500", 3, locs[1]),
        ("Arjo", "Enterprise 9000", 12, locs[1]),
        ("B. Braun", "Infusomat Space", 10, locs[1]),
        ("Zoll", "AED Plus", 4, locs[2]),
        ("Laerdal", "LSU", 3, locs[2]),
    ]
    hdevices: list[Device] = []
    hwhen: list[dt.datetime | None] = []
    number = 500000
    for _maker, name, n, loc in halland_rows:
        row = spec[name]
        for _ in range(n):
            number += 1
            acquired = dt.date(2014, 1, 1) + dt.timedelta(days=rng.randrange(0, 3650))
            external = not models[name].mt_competence
            hdevices.append(
                Device(
                    asset_number=f"MTH{number}",
                    serial_number=f"{row[0][:2].upper()}{rng.randrange(10**6, 10**7)}",
                    model=models[name],
                    owner=halland,
                    location=loc,
                    acquisition_date=acquired,
                    acquisition_value=Decimal(row[14]),
                    stores_patient_data=row[10],
                    has_radiation_source=row[11],
                    maintenance_responsibility=MaintenanceResponsibility.EXTERNAL
                    if external
                    else MaintenanceResponsibility.MT,
                    external_maintainer=ctx["orgs"]["SERVICE-EXT"] if external else None,
                    external_agreement_ref="SA-2024-017" if external else "",
                )
            )
            hwhen.append(_aware(acquired))
    device_bulk_register(user=mth_user, devices=hdevices, registered_at=hwhen)
