"""Advice in limited scope (J13): each customer's advice hours (time on advice work orders) in a year,
against the limit its agreement sets, with a warning at 80 % and a mark beyond the limit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from medtek.agreements import rules as agreement_rules
from medtek.agreements import selectors as agreement_selectors
from medtek.agreements.models import Agreement
from medtek.maintenance.choices import WorkOrderKind
from medtek.maintenance.models import TimeEntry
from medtek.organizations.scoping import scope_for


def advice_usage(*, user: Any, agreement_id: int, year: int) -> dict[str, Any]:
    """One row per customer party the user may see: advice hours used in `year`, the limit, the level."""
    agreement: Agreement = agreement_selectors.agreement_get(user=user, pk=agreement_id)
    scope = scope_for(user)
    parties = [
        p
        for p in agreement.parties.all()
        if scope.can("agreement.manage", agreement.provider_id) or scope.can("agreement.view", p.customer_id)
    ]
    customer_ids = [p.customer_id for p in parties]
    hours = dict(
        TimeEntry.objects.filter(
            work_order__kind=WorkOrderKind.ADVICE,
            work_order__customer_id__in=customer_ids,
            date__gte=dt.date(year, 1, 1),
            date__lte=dt.date(year, 12, 31),
        )
        .values_list("work_order__customer_id")
        .annotate(total=Sum("hours"))
        .values_list("work_order__customer_id", "total")
    )
    limit = agreement.advice_hours_limit
    rows = []
    for p in parties:
        used = hours.get(p.customer_id) or Decimal("0.00")
        share = (used / limit * 100).quantize(Decimal("1")) if limit else None
        rows.append(
            {
                "customer": p.customer,
                "used": used,
                "limit": limit,
                "share": share,
                "level": agreement_rules.advice_level(used, limit),
            }
        )
    return {"agreement": agreement, "year": year, "limit": limit, "rows": rows}
