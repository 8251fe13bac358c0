"""Test helpers: a billable work order with hours, a visit and a spare part."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from medtek.maintenance.choices import WorkOrderKind, WorkOrderStatus
from medtek.maintenance.models import MaterialLine, TimeEntry, TravelEntry, WorkOrder


def billable_work_order(
    *,
    customer: Any,
    technician: Any,
    day: dt.date,
    kind: str = WorkOrderKind.CM,
    hours: str = "2.50",
    travel: str = "450.00",
    part_price: str = "1290.00",
) -> WorkOrder:
    """Saved directly (no guards), as the register of work done in the past would hold it."""
    wo = WorkOrder.objects.create(
        number=f"AU-{WorkOrder.objects.count() + 1:06d}",
        kind=kind,
        status=WorkOrderStatus.DONE,
        customer=customer,
        title="Sängen går inte att höja",
    )
    TimeEntry.objects.create(work_order=wo, technician=technician, date=day, hours=Decimal(hours))
    TravelEntry.objects.create(work_order=wo, date=day, description="Besök", cost=Decimal(travel))
    MaterialLine.objects.create(
        work_order=wo,
        date=day,
        kind="spare_part",
        article_number="ACT-200",
        description="Ställdon",
        quantity=Decimal("1"),
        unit_price=Decimal(part_price),
    )
    return wo
