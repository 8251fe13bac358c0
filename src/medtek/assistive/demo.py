"""Demo of Hjälpmedelscentrum Halland (HMC): a catalogue of 15 articles, 200 items, three prescribers in
two municipalities, 40 open loans and a few returns waiting for reconditioning; the user `forskrivare`."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone
from stdnum import luhn

from medtek.agreements.choices import AgreementKind
from medtek.agreements.models import Agreement
from medtek.agreements.services import agreement_create
from medtek.assistive import services
from medtek.assistive.choices import Profession
from medtek.assistive.models import Prescriber
from medtek.inventory.models import DeviceModel, Manufacturer
from medtek.maintenance.choices import ItemKind
from medtek.maintenance.models import ProtocolTemplate
from medtek.maintenance.services import protocol_template_create
from medtek.organizations.choices import OrganisationKind, Role
from medtek.organizations.demo import _org, _user, orgnr
from medtek.organizations.models import Membership
from medtek.organizations.system import system_actor

# (manufacturer, model, category, ISO 9999, rent per month, price, needs fitting, fitting fee, items)
ARTICLES = [
    ("Arjo", "Maxi Move", "Personlyft, mobil", "12 36 03", "450.00", "56000", True, "600.00", 14),
    ("Liko", "Viking M", "Personlyft, mobil", "12 36 03", "420.00", "52000", True, "600.00", 12),
    ("Liko", "LikoGuard L", "Personlyft, takmonterad", "12 36 12", "380.00", "48000", True, "900.00", 8),
    ("Arjo", "Enterprise 9000", "Vårdsäng", "18 12 10", "320.00", "42000", False, "0", 18),
    ("Invacare", "Medley Ergo", "Vårdsäng", "18 12 10", "260.00", "31000", False, "0", 18),
    (
        "Invacare",
        "Softform Premier",
        "Tryckavlastande madrass",
        "04 33 06",
        "90.00",
        "9800",
        True,
        "250.00",
        16,
    ),
    ("Arjo", "Nimbus 4", "Tryckavlastande madrass, aktiv", "04 33 06", "240.00", "28000", True, "400.00", 10),
    ("Etac", "Swift Mobil", "Duschstol", "09 33 03", "35.00", "4200", False, "0", 16),
    ("Etac", "Hi-Lo", "Toalettförhöjning", "09 12 18", "20.00", "1900", False, "0", 12),
    ("Invacare", "Dolomite Jazz", "Rollator", "12 06 06", "40.00", "3900", False, "0", 20),
    ("Topro", "Olympos", "Rollator", "12 06 06", "45.00", "4500", False, "0", 12),
    ("Permobil", "Xpanse", "Rullstol, manuell", "12 22 03", "150.00", "14500", True, "500.00", 14),
    ("Invacare", "Action 3NG", "Rullstol, manuell", "12 22 03", "110.00", "11000", True, "500.00", 12),
    ("Permobil", "M3 Corpus", "Elrullstol", "12 23 06", "900.00", "98000", True, "1200.00", 6),
    ("Handicare", "SystemRoMedic SatinSheet", "Glidlakan", "12 31 03", "15.00", "1200", False, "0", 12),
]

REKOND = [
    {"kind": ItemKind.CHECK, "label": "Rengöring och desinfektion"},
    {"kind": ItemKind.CHECK, "label": "Funktionskontroll"},
    {"kind": ItemKind.CHECK, "label": "Säkerhetskontroll: lås, bromsar, lyftband, märkning"},
    {"kind": ItemKind.CHECK, "label": "Utbytta delar dokumenterade"},
]


def personnummer(rng: random.Random) -> str:
    """A valid personnummer of someone born 1930-1965 (demo data only)."""
    born = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(0, 35 * 365))
    base = f"{born:%y%m%d}{rng.randrange(100, 999)}"
    return f"{born:%Y%m%d}-{base[6:]}{luhn.calc_check_digit(base)}"


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def load(ctx: dict[str, Any]) -> None:
    rng = random.Random(9999)
    orgs, users = ctx["orgs"], ctx["users"]
    centre = orgs["HMC"]
    hmc = users["hmc"]
    towns = {}
    for code, name, kommunkod in [
        ("HALMSTAD", "Halmstads kommun", "1380"),
        ("VARBERG", "Varbergs kommun", "1383"),
    ]:
        town = _org(
            code,
            name=name,
            kind=OrganisationKind.MUNICIPALITY,
            municipality_code=kommunkod,
            org_number=orgnr("21200" + kommunkod),
            city=name.split()[0].rstrip("s"),
            email=f"rehab@{code.lower()}.example",
        )
        town.providers.add(centre)
        towns[code] = orgs[code] = town
    forskrivare = _user(ctx, "forskrivare", "Ida", "Arbetsterapeut", towns["HALMSTAD"], Role.PRESCRIBER)
    # MT's auditor also audits HMC: the loans' history and the access log, never the identities.
    Membership.objects.get_or_create(user=users["auditor"], organisation=centre, role=Role.AUDITOR)
    prescribers = [
        Prescriber.objects.get_or_create(
            user=forskrivare,
            defaults={
                "organisation": towns["HALMSTAD"],
                "name": "Ida Arbetsterapeut",
                "profession": Profession.OCCUPATIONAL_THERAPIST,
            },
        )[0],
        Prescriber.objects.get_or_create(
            name="Maja Fysioterapeut",
            organisation=towns["HALMSTAD"],
            defaults={"profession": Profession.PHYSIOTHERAPIST},
        )[0],
        Prescriber.objects.get_or_create(
            name="Karl Arbetsterapeut",
            organisation=towns["VARBERG"],
            defaults={"profession": Profession.OCCUPATIONAL_THERAPIST},
        )[0],
    ]
    models: list[DeviceModel] = []
    for maker, name, category, *_rest in ARTICLES:
        manufacturer, _ = Manufacturer.objects.get_or_create(name=maker)
        model, _ = DeviceModel.objects.update_or_create(
            manufacturer=manufacturer,
            name=name,
            defaults={"category": category, "nomenclature_code": "", "is_assistive": True},
        )
        models.append(model)
    if not ProtocolTemplate.objects.filter(code="REKOND-HMC").exists():
        protocol_template_create(
            user=users["mth"],
            code="REKOND-HMC",
            name="Rekonditionering av hjälpmedel",
            description="Rengöring och desinfektion, funktions- och säkerhetskontroll, utbytta delar.",
            items=REKOND,
            device_models=models,
            reconditioning=True,
        )
    if not Agreement.objects.filter(reference="HMC-2025").exists():
        agreement_create(
            user=system_actor(),
            provider=centre,
            seller=orgs["RH"],
            reference="HMC-2025",
            title="Hjälpmedelsavtal mellan Region Halland och kommunerna",
            valid_from=dt.date(2025, 1, 1),
            valid_until=dt.date(2027, 12, 31),
            customers=[(towns["HALMSTAD"], "Rehab Halmstad"), (towns["VARBERG"], "Rehab Varberg")],
            kind=AgreementKind.ASSISTIVE,
        )
    articles, items = [], []
    number = 700000
    for model, (_m, name, category, iso, rent, price, fitting, fee, count) in zip(
        models, ARTICLES, strict=True
    ):
        article = services.article_save(
            user=hmc,
            centre=centre,
            device_model=model,
            name=f"{category} {name}",
            iso_code=iso,
            monthly_rent=Decimal(rent),
            price=Decimal(price),
            needs_fitting=fitting,
            fitting_fee=Decimal(fee),
        )
        articles.append(article)
        for _ in range(count):
            number += 1
            items.append(
                services.item_add(
                    user=hmc,
                    article=article,
                    asset_number=f"HMC{number}",
                    serial_number=f"{name[:2].upper()}{rng.randrange(10**6, 10**7)}",
                    acquisition_date=dt.date(2024, 11, 1),
                    registered_on=dt.date(2025, 1, 2),
                )
            )
    ctx["assistive_items"] = items
    today = timezone.localdate()
    addresses = ["Storgatan 12, Halmstad", "Linnégatan 4, Halmstad", "Västra vägen 7, Varberg"]
    loans = []
    for i, item in enumerate(rng.sample(items, 44)):
        who = prescribers[i % 3]
        prescribed = today - dt.timedelta(days=rng.randrange(20, 330))
        p = services.prescription_create(
            user=forskrivare if who.user_id else hmc,
            prescriber=None if who.user_id else who,
            patient_identity=personnummer(rng),
            article=item.article,
            need="Förflyttning och självständighet i hemmet",
            delivery_address=addresses[i % 3],
            prescribed_on=prescribed,
        )
        dispensed = prescribed + dt.timedelta(days=rng.randrange(3, 15))
        loan = services.loan_dispense(
            user=hmc,
            prescription=p,
            item=item.device,
            dispensed_on=dispensed,
            due_back_on=dispensed + dt.timedelta(days=180) if i % 5 == 0 else None,
        )
        if item.article.needs_fitting:
            services.loan_fit(
                user=hmc,
                loan=loan,
                fitted=True,
                adjustments="Inställd efter patientens längd och vikt",
                result="Fungerar i hemmiljön",
                fitted_on=min(dispensed + dt.timedelta(days=2), today),
            )
        loans.append(loan)
    # A few returns waiting for reconditioning; the other 40 stay on loan.
    for loan in loans[40:]:
        services.loan_return(
            user=hmc,
            loan=loan,
            condition=rng.choice(["good", "worn"]),
            returned_on=today - dt.timedelta(days=1),
            note="Hämtad i hemmet",
        )
    # Prescriptions waiting for dispensing: forskrivare's patient lift for a new patient is the tour's.
    services.prescription_create(
        user=forskrivare,
        patient_identity=personnummer(rng),
        article=articles[9],
        need="Gånghjälpmedel utomhus",
        delivery_address="Storgatan 30, Halmstad",
    )
    ctx["assistive_loans"] = loans
