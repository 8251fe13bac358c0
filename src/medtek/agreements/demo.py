"""Demo agreements: the Jämtland agreement 2026–2027 with the eight municipalities, the preceding
period 2024–2025 on the same terms, the rate schedule (1123 kr/h from 2025-01-01), and one separate
monitoring agreement (J15) under which an external supplier maintains two of Krokom's devices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from medtek.agreements import services
from medtek.agreements.models import Agreement, MonitoredDevice, RateSchedule

MUNICIPALITY_CODES = ["BERG", "BRACKE", "HARJEDALEN", "KROKOM", "RAGUNDA", "STROMSUND", "ARE", "OSTERSUND"]
FORUM = "Länsövergripande politisk samverkansarena"
# An example, not SKR's published figure: replace it with the VPI change published for 2026.
EXAMPLE_VPI_2026 = Decimal("3.0")


def load(ctx: dict[str, Any]) -> None:
    admin = ctx["users"]["mt-admin"]
    orgs = ctx["orgs"]
    mt, region = orgs["MT"], orgs["RJH"]
    schedule = RateSchedule.objects.filter(provider=mt, name="Timersättning MT").first()
    if schedule is None:
        schedule = services.rate_schedule_create(
            user=admin,
            provider=mt,
            name="Timersättning MT",
            base_rate=Decimal("1123.00"),
            valid_from=dt.date(2025, 1, 1),
            rounding="krona",
        )
        services.index_figure_enter(
            user=admin,
            schedule=schedule,
            year=2026,
            change_percent=EXAMPLE_VPI_2026,
            publication_reference="EXEMPEL – ersätt med SKR:s publicerade VPI för 2026",
            is_example=True,
        )
    customers = [(orgs[code], f"MAS {orgs[code].name.split()[0]}") for code in MUNICIPALITY_CODES]
    terms: dict[str, Any] = {"bankgiro": "5050-1055"}
    previous = Agreement.objects.filter(reference="RJH-MT-2024").first()
    if previous is None:
        previous = services.agreement_create(
            user=admin,
            provider=mt,
            seller=region,
            reference="RJH-MT-2024",
            title="Medicintekniskt stöd till kommunerna i Jämtlands län 2024–2025",
            valid_from=dt.date(2024, 1, 1),
            valid_until=dt.date(2025, 12, 31),
            customers=customers,
            rate_schedule=schedule,
            **terms,
        )
        services.agreement_terminate(
            user=admin,
            agreement=previous,
            given_on=dt.date(2024, 12, 12),
            decision_reference="Ersätts av överenskommelsen 2026–2027 (RJH-MT-2026)",
            forum=FORUM,
        )
    current = Agreement.objects.filter(reference="RJH-MT-2026").first()
    if current is None:
        current = services.agreement_create(
            user=admin,
            provider=mt,
            seller=region,
            reference="RJH-MT-2026",
            title="Överenskommelse om medicintekniskt stöd mellan Region Jämtland Härjedalen och kommunerna",
            valid_from=dt.date(2026, 1, 1),
            valid_until=dt.date(2027, 12, 31),
            customers=customers,
            rate_schedule=schedule,
            **terms,
        )
    monitoring = _monitoring(ctx, schedule)
    ctx["agreements"] = {"RJH-MT-2024": previous, "RJH-MT-2026": current, MONITORING_REFERENCE: monitoring}
    ctx["rate_schedule"] = schedule


MONITORING_REFERENCE = "RJH-BEV-KROKOM"


def _monitoring(ctx: dict[str, Any], schedule: RateSchedule) -> Agreement:
    """A separate agreement: an external supplier maintains two of Krokom's devices, MT watches them.
    It is never billed as an MT-support fixed part, so the fixed runs stay the source's."""
    admin = ctx["users"]["mt-admin"]
    orgs = ctx["orgs"]
    agreement = Agreement.objects.filter(reference=MONITORING_REFERENCE).first()
    if agreement is not None:
        return agreement
    krokom = orgs["KROKOM"]
    agreement = services.agreement_create(
        user=admin,
        provider=orgs["MT"],
        seller=orgs["RJH"],
        reference=MONITORING_REFERENCE,
        title="Bevakning av utrustning som underhålls av extern leverantör, Krokom",
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2027, 12, 31),
        customers=[(krokom, "MAS Krokom")],
        rate_schedule=schedule,
        kind="monitoring",
        bankgiro="5050-1055",
    )
    device_model: Any = MonitoredDevice._meta.get_field("device").related_model
    devices = list(
        device_model._default_manager.filter(owner=krokom)
        .order_by("asset_number")
        .values_list("pk", flat=True)[:2]
    )
    services.monitoring_coverage_set(
        user=admin, agreement=agreement, supplier=orgs["SERVICE-EXT"], device_ids=devices
    )
    return agreement
