"""Demo maintenance: the default priority models, the IEC 62353 protocols, PM state and a few work orders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from medtek.core.dates import add_months
from medtek.maintenance import planner, services
from medtek.maintenance.choices import ItemKind, MaterialKind, TimeBasis, WorkOrderKind, WorkOrderStatus
from medtek.maintenance.models import DevicePMState

# The PM prioritisation model: classes by equipment-management number (function + physical risk
# + maintenance need, 4-20), in the manner of Fennigkoh–Smith (EM >= 12 belongs in a PM programme).
DEFAULT_PM_CLASSES: list[dict[str, Any]] = [
    {
        "code": "A",
        "name": "Hög risk (livsuppehållande, behandling)",
        "rank": 1,
        "min_score": 16,
        "max_score": 20,
        "interval_months": 6,
    },
    {
        "code": "B",
        "name": "Medelhög risk",
        "rank": 2,
        "min_score": 12,
        "max_score": 15,
        "interval_months": 12,
    },
    {
        "code": "C",
        "name": "Låg risk (endast tillsyn)",
        "rank": 3,
        "min_score": 4,
        "max_score": 11,
        "interval_months": 24,
    },
]

# The CM priority model: response (MT has accepted the work) and resolution (done) targets in hours.
DEFAULT_CM_LEVELS: list[dict[str, Any]] = [
    {
        "code": "P1",
        "name": "Patientsäkerhet, åtgärda direkt",
        "rank": 1,
        "response_hours": 1,
        "resolution_hours": 8,
        "time_basis": TimeBasis.CALENDAR,
    },
    {
        "code": "P2",
        "name": "Brådskande, vården påverkas",
        "rank": 2,
        "response_hours": 4,
        "resolution_hours": 16,
        "time_basis": TimeBasis.WORKING,
    },
    {
        "code": "P3",
        "name": "Normal",
        "rank": 3,
        "response_hours": 9,
        "resolution_hours": 45,
        "time_basis": TimeBasis.WORKING,
    },
    {
        "code": "P4",
        "name": "Planerad",
        "rank": 4,
        "response_hours": 45,
        "resolution_hours": 180,
        "time_basis": TimeBasis.WORKING,
    },
]

# IEC 62353 recurrent test (class I equipment, alternative method). Limits: protective earth 0.3 Ω
# (with non-detachable cord or cord included); equipment leakage 1000 µA (class I, alternative method);
# applied-part leakage BF 5000 µA, CF 50 µA; type B applied parts are measured together with the
# equipment leakage (same 1000 µA limit). The standard sets no insulation limit: 2 MΩ (mains–PE) and
# 70 MΩ (mains–applied parts) are the customary values, editable per protocol.
_COMMON: list[dict[str, Any]] = [
    {"kind": ItemKind.CHECK, "label": "Okulär kontroll: hölje, kabel, kontakt, märkning"},
    {
        "kind": ItemKind.MEASURE,
        "label": "Skyddsjordresistans",
        "unit": "Ω",
        "upper_limit": Decimal("0.3"),
    },
    {
        "kind": ItemKind.MEASURE,
        "label": "Isolationsresistans, nätdel–skyddsjord",
        "unit": "MΩ",
        "lower_limit": Decimal(2),
    },
    {
        "kind": ItemKind.MEASURE,
        "label": "Apparatläckström (alternativ metod)",
        "unit": "µA",
        "upper_limit": Decimal(1000),
    },
]
IEC_62353: dict[str, list[dict[str, Any]]] = {
    "B": [
        *_COMMON,
        {
            "kind": ItemKind.MEASURE,
            "label": "Patientläckström, patientansluten del typ B (med apparatläckström)",
            "unit": "µA",
            "upper_limit": Decimal(1000),
        },
        {"kind": ItemKind.CHECK, "label": "Funktionskontroll"},
    ],
    "BF": [
        *_COMMON,
        {
            "kind": ItemKind.MEASURE,
            "label": "Isolationsresistans, nätdel–patientansluten del",
            "unit": "MΩ",
            "lower_limit": Decimal(70),
        },
        {
            "kind": ItemKind.MEASURE,
            "label": "Patientläckström, patientansluten del typ BF (alternativ metod)",
            "unit": "µA",
            "upper_limit": Decimal(5000),
        },
        {"kind": ItemKind.CHECK, "label": "Funktionskontroll"},
    ],
    "CF": [
        *_COMMON,
        {
            "kind": ItemKind.MEASURE,
            "label": "Isolationsresistans, nätdel–patientansluten del",
            "unit": "MΩ",
            "lower_limit": Decimal(70),
        },
        {
            "kind": ItemKind.MEASURE,
            "label": "Patientläckström, patientansluten del typ CF (alternativ metod)",
            "unit": "µA",
            "upper_limit": Decimal(50),
        },
        {"kind": ItemKind.CHECK, "label": "Funktionskontroll"},
    ],
}
# Which applied-part type each demo model has.
APPLIED_PART = {
    "Enterprise 9000": "B",
    "Medley Ergo": "B",
    "Maxi Move": "B",
    "Viking M": "B",
    "Mobilett Elara Max": "B",
    "Infusomat Space": "BF",
    "Perfusor Space": "BF",
    "LSU": "BF",
    "SimplyGo": "BF",
    "M6 Comfort": "BF",
    "Rad-5v": "BF",
    "Hamilton-C1": "BF",
    "Babyleo TN500": "BF",
    "LOGIQ E10": "BF",
    "AED Plus": "CF",
    "HeartStart FRx": "CF",
}

PASSING_VALUES = {"Ω": "0.08", "MΩ": "250", "µA": "12"}


def protocol_templates(user: Any, models: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for part, items in IEC_62353.items():
        out[part] = services.protocol_template_create(
            user=user,
            code=f"IEC62353-{part}",
            name=f"IEC 62353 återkommande provning, klass I, typ {part}",
            description="Recurrent electrical safety test after IEC 62353 (alternative method).",
            items=[{**item, "order": i + 1} for i, item in enumerate(items)],
            device_models=[models[name] for name, p in APPLIED_PART.items() if p == part and name in models],
        )
    return out


def passing_answers(record: Any) -> dict[int, dict[str, Any]]:
    """Answers that pass every item of a protocol (demo and tests)."""
    return {
        item.pk: {"checked": True}
        if item.kind == ItemKind.CHECK
        else {"value": PASSING_VALUES[item.unit], "unit": item.unit}
        for item in record.template.items.all()
    }


def _spread_pm_state(today: dt.date) -> None:
    """Next-due dates spread over each device's interval, some overdue and some due within 30 days."""
    states = list(DevicePMState.objects.filter(interval_months__isnull=False).order_by("device_id"))
    for position, state in enumerate(
        states, start=1
    ):  # by position, so the demo is the same whatever its ids
        span = int(state.interval_months or 12) * 30
        next_due = today + dt.timedelta(days=(position * 37) % span - 20)
        state.next_due = next_due
        state.last_done = add_months(next_due, -int(state.interval_months or 12))
    DevicePMState.objects.bulk_update(states, ["next_due", "last_done"], batch_size=2000)


def load(ctx: dict[str, Any]) -> None:
    users, orgs, models = ctx["users"], ctx["orgs"], ctx["models"]
    admin, tech = users["mt-admin"], users["mt-tech"]
    services.pm_model_save(user=admin, classes=DEFAULT_PM_CLASSES)
    services.cm_model_save(user=admin, levels=DEFAULT_CM_LEVELS)
    ctx["protocols"] = protocol_templates(admin, models)
    today = timezone.localdate()
    planner.sync_pm_states(today=today)
    _spread_pm_state(today)

    from medtek.inventory.models import Device

    def device_of(code: str, offset: int = 0) -> Device:
        return Device.objects.filter(owner=orgs[code]).order_by("asset_number")[offset]

    # A fault Östersund reported this morning, prioritised P3 and being worked on.
    wo = services.work_order_report(
        user=users["ostersund"],
        kind=WorkOrderKind.CM,
        device=device_of("OSTERSUND", 3),
        title="Larmar utan orsak",
        description="Larmet går igång flera gånger per natt.",
    )
    services.work_order_triage(user=admin, work_order=wo, priority="P3", assigned_to=tech)
    services.work_order_start(user=tech, work_order=wo)
    services.time_entry_add(user=tech, work_order=wo, date=today, hours=Decimal("1.5"))
    # A fault Krokom reported, still waiting to be prioritised.
    services.work_order_report(
        user=users["krokom"],
        kind=WorkOrderKind.CM,
        device=device_of("KROKOM", 5),
        title="Display trasig",
    )
    # Advice asked by Åre, answered and closed.
    advice = services.work_order_report(
        user=users["are"],
        kind=WorkOrderKind.ADVICE,
        customer=orgs["ARE"],
        title="Råd om inköp av lyftar",
        description="Vilka taklyftar passar det nya boendet?",
    )
    services.work_order_triage(user=admin, work_order=advice, priority="P4", assigned_to=tech)
    services.work_order_start(user=tech, work_order=advice)
    services.time_entry_add(user=tech, work_order=advice, date=today, hours=Decimal(1))
    services.work_order_close(user=tech, work_order=advice)
    # A CM in Härjedalen waiting for a spare part.
    part = services.work_order_report(
        user=users["harjedalen"],
        kind=WorkOrderKind.CM,
        device=device_of("HARJEDALEN", 2),
        title="Batteriet håller inte laddning",
    )
    services.work_order_triage(user=admin, work_order=part, priority="P2", assigned_to=tech)
    services.work_order_start(user=tech, work_order=part)
    services.material_line_add(
        user=tech,
        work_order=part,
        date=today,
        kind=MaterialKind.SPARE_PART,
        article_number="BAT-3401",
        description="Battery pack",
        quantity=Decimal(1),
        unit_price=Decimal("1450.00"),
    )
    services.work_order_set_status(
        user=tech, work_order=part, status=WorkOrderStatus.WAITING, waiting_reason="parts"
    )
