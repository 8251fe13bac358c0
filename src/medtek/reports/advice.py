"""Advice in limited scope (J13): each customer's advice hours (time on advice work orders) in a year,
against the limit its agreement sets, with a warning at 80 % and a mark beyond the limit. A private
care provider under contract with a municipality counts as it (the agreement's definition), so its
advice hours count toward that municipality's limit, as its devices count in its share."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from medtek.agreements import rules as agreement_rules
from medtek.agreements import selectors as agreement_selectors
from medtek.agreements.models import Agreement
from medtek.billing.selectors import owners_counted_as
from medtek.inventory.rules import fold_counts
from medtek.maintenance.choices import WorkOrderKind
from medtek.maintenance.models import TimeEntry
from medtek.organizations.models import Organisation
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for

HUNDREDTHS = Decimal("0.01")


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
    owner_map = owners_counted_as(customer_ids)
    by_owner = dict(
        TimeEntry.objects.filter(
            work_order__kind=WorkOrderKind.ADVICE,
            work_order__customer_id__in=list(owner_map),
            date__gte=dt.date(year, 1, 1),
            date__lte=dt.date(year, 12, 31),
        )
        .values_list("work_order__customer_id")
        .annotate(total=Sum("hours"))
        .values_list("work_order__customer_id", "total")
    )
    counts_as = {owner: customer for owner, customer in owner_map.items() if owner != customer}
    hours, parts = fold_counts(by_owner, counts_as, customer_ids)
    names = dict(Organisation.objects.filter(pk__in=list(counts_as)).values_list("pk", "name"))
    limit = agreement.advice_hours_limit
    rows = []
    for p in parties:
        used = Decimal(hours.get(p.customer_id) or 0).quantize(HUNDREDTHS)
        share = (used / limit * 100).quantize(Decimal("1")) if limit else None
        rows.append(
            {
                "customer": p.customer,
                "used": used,
                "limit": limit,
                "share": share,
                "level": agreement_rules.advice_level(used, limit),
                # The contracted care providers the user sees whose hours are counted in, with their hours.
                "parts": sorted(
                    (names[owner], Decimal(h).quantize(HUNDREDTHS))
                    for owner, h in parts[p.customer_id].items()
                    if owner != p.customer_id and scope.can(Cap.VIEW, owner)
                ),
            }
        )
    return {"agreement": agreement, "year": year, "limit": limit, "rows": rows}
