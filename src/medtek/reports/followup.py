"""The agreement's yearly follow-up: per customer its devices, PM and CM work, hours, travel, materials
and invoiced amounts (the figures of the joint evaluation, J24). It reads the register, maintenance,
agreements and billing, so it lives here, where any app may be read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone

from medtek.agreements.models import Agreement
from medtek.billing.choices import BillingPart, InvoiceKind, InvoiceStatus
from medtek.billing.models import Invoice
from medtek.billing.selectors import owners_counted_as
from medtek.core.money import money
from medtek.inventory.selectors import device_counts_as_of
from medtek.maintenance import key_figures
from medtek.maintenance.models import MaterialLine, TimeEntry, TravelEntry
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for
from medtek.organizations.system import system_actor


def followup(*, user: Any, agreement_id: int, year: int) -> dict[str, Any]:
    """Per customer and year: devices, PM done (on time), CM work, hours, travel, materials, amounts.

    The figures MT and the customers need for the joint evaluation the agreement requires.
    """
    agreement = Agreement.objects.get_visible(user, Cap.BILLING_VIEW, pk=agreement_id)
    parties = list(agreement.parties.select_related("customer").order_by("customer__name"))
    scope = scope_for(user)
    if not (scope.is_superuser or scope.can(Cap.BILLING_VIEW, agreement.provider_id)):
        parties = [p for p in parties if scope.can(Cap.BILLING_VIEW, p.customer_id)]
    customers = [p.customer_id for p in parties]
    owner_map = owners_counted_as(customers)
    owners = list(owner_map)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    count_day = min(end, timezone.localdate())
    counts = device_counts_as_of(user=system_actor(), day=count_day, owner_ids=owners)
    rows: dict[int, dict[str, Any]] = {
        p.customer_id: {
            "customer": p.customer,
            "devices": 0,
            "pm_done": 0,
            "pm_on_time": 0,
            "cm": 0,
            "hours": Decimal("0.00"),
            "billable_hours": Decimal("0.00"),
            "travel": Decimal("0.00"),
            "materials": Decimal("0.00"),
            "fixed": Decimal("0.00"),
            "variable": Decimal("0.00"),
        }
        for p in parties
    }
    for owner, n in counts.items():
        if owner in owner_map:
            rows[owner_map[owner]]["devices"] += n
    # FU and AU by the key figures' own definitions (maintenance.key_figures), the same as on that page.
    actor = system_actor()
    pm: Any = (
        key_figures.pm_due_in(user=actor, start=start, end=end)
        .filter(customer_id__in=owners)
        .values("customer_id")
        .annotate(**key_figures.pm_aggregates())
        .order_by()
    )
    for r in pm:
        row = rows[owner_map[r["customer_id"]]]
        row["pm_done"] += r["pm_done"]
        row["pm_on_time"] += r["pm_done_on_time"]
    cm = (
        key_figures.cm_reported_in(user=actor, start=start, end=end)
        .filter(customer_id__in=owners)
        .values("customer_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for r in cm:
        rows[owner_map[r["customer_id"]]]["cm"] += r["n"]
    entry_filter = {"work_order__customer_id__in": owners, "date__gte": start, "date__lte": end}
    for r in (
        TimeEntry.objects.filter(**entry_filter)
        .values("work_order__customer_id")
        .annotate(h=Sum("hours"), b=Sum("hours", filter=Q(billable=True)))
    ):
        row = rows[owner_map[r["work_order__customer_id"]]]
        row["hours"] += r["h"] or 0
        row["billable_hours"] += r["b"] or 0
    for r in (
        TravelEntry.objects.filter(**entry_filter).values("work_order__customer_id").annotate(c=Sum("cost"))
    ):
        rows[owner_map[r["work_order__customer_id"]]]["travel"] += r["c"] or 0
    amount = ExpressionWrapper(
        F("quantity") * F("unit_price"), output_field=DecimalField(max_digits=20, decimal_places=4)
    )
    for r in (
        MaterialLine.objects.filter(**entry_filter).values("work_order__customer_id").annotate(a=Sum(amount))
    ):
        rows[owner_map[r["work_order__customer_id"]]]["materials"] += money(r["a"] or 0)
    issued = [InvoiceStatus.ISSUED, InvoiceStatus.CREDITED]
    for r in (
        Invoice.objects.filter(
            agreement=agreement,
            customer_id__in=customers,
            status__in=issued,
            period_start__gte=start,
            period_start__lte=end,
        )
        .values("customer_id", "part", "kind")
        .annotate(net=Sum("net_total"))
    ):
        sign = -1 if r["kind"] == InvoiceKind.CREDIT_NOTE else 1
        key = "fixed" if r["part"] == BillingPart.FIXED else "variable"
        rows[r["customer_id"]][key] += sign * (r["net"] or 0)
    ordered = [rows[c] for c in customers]
    totals: dict[str, Any] = {
        k: sum(
            (r[k] for r in ordered), Decimal(0) if k not in {"devices", "pm_done", "pm_on_time", "cm"} else 0
        )
        for k in (
            "devices",
            "pm_done",
            "pm_on_time",
            "cm",
            "hours",
            "billable_hours",
            "travel",
            "materials",
            "fixed",
            "variable",
        )
    }
    return {"agreement": agreement, "year": year, "count_day": count_day, "rows": ordered, "totals": totals}
