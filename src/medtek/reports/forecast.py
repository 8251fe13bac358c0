"""Planning together (J5): per customer and month of the next 12 months, the FU hours the planner will
create (from the PM states' due dates and intervals × a typical time per FU) and the AU hours to expect
(the last 12 months' average), against MT's capacity (technicians × hours per month).

Set-based: one grouped query for the PM states and one for the AU time, never a query per device."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth, ExtractYear

from medtek.agreements import selectors as agreement_selectors
from medtek.core.dates import add_months
from medtek.maintenance.choices import WorkOrderKind
from medtek.maintenance.models import DevicePMState, TimeEntry
from medtek.organizations.choices import Role
from medtek.organizations.models import Membership
from medtek.organizations.scoping import scope_for

MONTHS = 12
# A typical FU's time and a technician's hours per month, when no setting says otherwise.
DEFAULT_FU_HOURS = Decimal("1.0")
DEFAULT_TECHNICIAN_HOURS = Decimal("120")


def fu_hours_setting() -> Decimal:
    return Decimal(str(getattr(settings, "MEDTEK_FORECAST_FU_HOURS", DEFAULT_FU_HOURS)))


def capacity_per_month(provider: Any) -> Decimal:
    """MT's technician hours per month: a setting per MT department (short code), else technicians × hours."""
    per_department = getattr(settings, "MEDTEK_MT_CAPACITY_HOURS", {}) or {}
    if provider.short_code in per_department:
        return Decimal(str(per_department[provider.short_code]))
    technicians = Membership.objects.filter(organisation=provider, role=Role.MT_TECHNICIAN).count()
    hours = Decimal(str(getattr(settings, "MEDTEK_TECHNICIAN_HOURS_PER_MONTH", DEFAULT_TECHNICIAN_HOURS)))
    return technicians * hours


def month_slots(
    next_due: dt.date, interval_months: int | None, start: dt.date, months: int = MONTHS
) -> list[int]:
    """The months (0 = the start month) in which a PM due on `next_due` every `interval_months` falls.

    A PM already overdue falls in the first month; each later one an interval after the previous."""
    slots: list[int] = []
    first = (next_due.year - start.year) * 12 + next_due.month - start.month
    slot = max(first, 0)
    while slot < months:
        slots.append(slot)
        if not interval_months:
            break
        slot += interval_months
    return slots


def forecast(*, user: Any, agreement_id: int, start: dt.date) -> dict[str, Any]:
    """The table and chart data for the agreement's customers the user may see."""
    agreement = agreement_selectors.agreement_get(user=user, pk=agreement_id)
    scope = scope_for(user)
    parties = [
        p
        for p in agreement.parties.all()
        if scope.can("agreement.manage", agreement.provider_id) or scope.can("agreement.view", p.customer_id)
    ]
    start = start.replace(day=1)
    months = [add_months(start, i) for i in range(MONTHS)]
    customer_ids = [p.customer_id for p in parties]
    per_fu = fu_hours_setting()
    fu: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal("0")] * MONTHS)
    groups = (
        DevicePMState.objects.filter(
            device__owner_id__in=customer_ids,
            device__external_maintainer__isnull=True,
            next_due__isnull=False,
            next_due__lt=add_months(start, MONTHS),
        )
        .annotate(y=ExtractYear("next_due"), m=ExtractMonth("next_due"))
        .values("device__owner_id", "y", "m", "interval_months")
        .annotate(n=Count("pk"))
    )
    for g in groups:
        for slot in month_slots(dt.date(g["y"], g["m"], 1), g["interval_months"], start):
            fu[g["device__owner_id"]][slot] += g["n"] * per_fu
    au_since = add_months(start, -12)
    au_rows = (
        TimeEntry.objects.filter(
            work_order__kind=WorkOrderKind.CM,
            work_order__customer_id__in=customer_ids,
            date__gte=au_since,
            date__lt=start,
        )
        .values("work_order__customer_id")
        .annotate(total=Sum("hours"))
    )
    au = {r["work_order__customer_id"]: (r["total"] / 12).quantize(Decimal("0.1")) for r in au_rows}
    rows = []
    totals = [Decimal("0")] * MONTHS
    for p in parties:
        fu_row = [h.quantize(Decimal("0.1")) for h in fu[p.customer_id]]
        au_month = au.get(p.customer_id, Decimal("0.0"))
        rows.append(
            {"customer": p.customer, "fu": fu_row, "au": au_month, "fu_total": sum(fu_row, Decimal("0"))}
        )
        for i in range(MONTHS):
            totals[i] += fu_row[i] + au_month
    capacity = capacity_per_month(agreement.provider)
    return {
        "agreement": agreement,
        "months": months,
        "rows": rows,
        "totals": totals,
        "capacity": capacity,
        "per_fu": per_fu,
        "chart": chart(months, totals, capacity),
    }


def chart(months: list[dt.date], totals: list[Decimal], capacity: Decimal) -> dict[str, Any]:
    """Bars (FU + AU hours per month) and the capacity line, scaled to a 600 × 200 SVG."""
    top = max([*totals, capacity, Decimal("1")])
    width, height, gap = 600, 200, 6
    bar = (width - gap * (len(months) + 1)) / len(months)
    bars = []
    for i, (month, total) in enumerate(zip(months, totals, strict=True)):
        h = float(total / top) * height
        bars.append(
            {
                # Strings, so that the page's Swedish number format never reaches the SVG attributes.
                "x": f"{gap + i * (bar + gap):.1f}",
                "y": f"{height - h:.1f}",
                "w": f"{bar:.1f}",
                "h": f"{h:.1f}",
                "label": month.strftime("%m"),
                "value": total,
                "over": total > capacity,
            }
        )
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "capacity_y": f"{height - float(capacity / top) * height:.1f}",
    }
