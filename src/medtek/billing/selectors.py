"""Every read of billing: the fixed part's basis (Table 1), invoices, and the yearly follow-up."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from medtek.agreements.choices import CountReference, FixedPartMode
from medtek.agreements.models import Agreement
from medtek.billing import rules
from medtek.billing.models import BillingRun, Invoice, InvoiceLine
from medtek.inventory.selectors import device_counts_as_of
from medtek.maintenance.choices import WorkOrderKind
from medtek.organizations.models import Organisation
from medtek.organizations.querysets import TenantQuerySet
from medtek.organizations.rules import Cap
from medtek.organizations.system import system_actor

VARIABLE_KINDS = [WorkOrderKind.CM, WorkOrderKind.QC, WorkOrderKind.ADVICE, WorkOrderKind.OTHER]


@dataclass(frozen=True)
class BasisRow:
    customer: Organisation
    count: int
    owners: dict[str, int]  # owner id → its devices, when care providers count as the customer
    share: Decimal
    amount: Decimal


@dataclass(frozen=True)
class FixedBasis:
    agreement: Agreement
    period: rules.Period
    reference_date: dt.date
    total: rules.FixedTotal
    total_devices: int
    rows: list[BasisRow]

    @property
    def total_share(self) -> Decimal:
        return sum((r.share for r in self.rows), Decimal("0.0"))

    @property
    def total_amount(self) -> Decimal:
        return sum((r.amount for r in self.rows), Decimal("0.00"))


def reference_date_for(agreement: Agreement, period: rules.Period) -> dt.date:
    if agreement.count_reference == CountReference.PERIOD_START:
        return period.start
    return period.start - dt.timedelta(days=1)


def owners_counted_as(customer_ids: list[int]) -> dict[int, int]:
    """Owner id → the customer it counts as (customers map to themselves; a care provider under
    contract with a customer maps to it): the organisation graph behind the fixed part's counts and
    the advice hours' limit."""
    mapping = {c: c for c in customer_ids}
    for pk, target in Organisation.objects.filter(counts_as_id__in=customer_ids).values_list(
        "pk", "counts_as_id"
    ):
        mapping.setdefault(pk, target)
    return mapping


def fixed_basis(
    *, agreement: Agreement, period: rules.Period, reference_date: dt.date | None = None
) -> FixedBasis:
    """The fixed part of `period` and its distribution (the source's Table 1).

    Devices are counted from the register's history at the reference date; a care provider that
    counts as a customer adds its devices to that customer's. RateError or ValueError when it cannot
    be computed. Callers check that the user may see the agreement.
    """
    if not rules.is_billed(agreement.kind):
        raise ValueError(rules.not_billed_reason(agreement.reference))
    ref = reference_date or reference_date_for(agreement, period)
    parties = list(agreement.parties.select_related("customer").order_by("customer__name"))
    customers = {p.customer_id: p.customer for p in parties}
    owner_map = owners_counted_as(list(customers))
    counts = device_counts_as_of(user=system_actor(), day=ref, owner_ids=list(owner_map))
    counts_as = {o: c for o, c in owner_map.items() if o != c}
    totals, parts = rules.fold_counts(counts, counts_as, list(customers))
    rate = None
    if agreement.fixed_mode == FixedPartMode.HOURS:
        if agreement.rate_schedule is None:
            raise ValueError(f"{agreement.reference} has no rate schedule for the fixed part in hours")
        rate = agreement.rate_schedule.rate_on(period.start)
    terms = rules.FixedTerms(
        mode=agreement.fixed_mode,
        base_hours=agreement.fixed_base_hours,
        minutes_per_device=agreement.fixed_minutes_per_device,
        base_amount=agreement.fixed_base_amount,
        amount_per_device=agreement.fixed_amount_per_device,
    )
    devices = sum(totals.values())
    if devices == 0:
        raise ValueError(
            f"no registered devices on {ref.isoformat()} for the customers of {agreement.reference}: "
            "nothing to distribute the fixed part over"
        )
    total = rules.fixed_total(terms, devices=devices, months=period.months, rate=rate)
    shares = {s.customer: s for s in rules.distribute(total.total, totals)}
    rows = [
        BasisRow(
            customer=customers[c],
            count=totals[c],
            owners={str(o): n for o, n in parts[c].items()},
            share=shares[c].share,
            amount=shares[c].amount,
        )
        for c in customers
    ]
    return FixedBasis(agreement, period, ref, total, devices, rows)


def basis_report(
    *, user: Any, agreement_id: int, period: str, reference_date: dt.date | None = None
) -> FixedBasis:
    """Table 1 for any half-year, for anyone who may see the agreement's billing."""
    agreement = Agreement.objects.select_related("rate_schedule").get_visible(
        user, Cap.BILLING_VIEW, pk=agreement_id
    )
    return fixed_basis(
        agreement=agreement, period=rules.parse_half_year(period), reference_date=reference_date
    )


def invoice_queryset(*, user: Any, capability: str = Cap.BILLING_VIEW) -> TenantQuerySet[Invoice]:
    return Invoice.objects.visible_to(user, capability).select_related(
        "customer", "agreement", "seller", "credited_invoice"
    )


def invoice_filtered(
    *, user: Any, period: str = "", status: str = "", part: str = "", customer: int | None = None
) -> QuerySet[Invoice]:
    qs = invoice_queryset(user=user)
    if period:
        qs = qs.filter(period=period.strip().upper())
    if status:
        qs = qs.filter(status=status)
    if part:
        qs = qs.filter(part=part)
    if customer:
        qs = qs.filter(customer_id=customer)
    return qs


def invoice_get(*, user: Any, pk: int, capability: str = Cap.BILLING_VIEW) -> Invoice:
    return invoice_queryset(user=user, capability=capability).get_visible(user, capability, pk=pk)


def invoice_lines(*, invoice: Invoice) -> list[InvoiceLine]:
    return list(invoice.lines.select_related("work_order").order_by("position"))


def run_list(*, user: Any) -> QuerySet[BillingRun]:
    return BillingRun.objects.visible_to(user, Cap.BILLING_MANAGE).select_related("run_by")


def export_runs(*, user: Any) -> QuerySet[BillingRun]:
    """The billing runs whose invoices the user may export for the ERP (finance, MT admins)."""
    return BillingRun.objects.visible_to(user, Cap.BILLING_EXPORT)


def run_get(*, user: Any, pk: int, capability: str = Cap.BILLING_EXPORT) -> BillingRun:
    return BillingRun.objects.get_visible(user, capability, pk=pk)


def run_invoices(*, user: Any, run: BillingRun) -> list[tuple[Invoice, list[InvoiceLine]]]:
    """The invoices of a run the user may export, each with its lines (in position order)."""
    invoices = list(
        invoice_queryset(user=user, capability=Cap.BILLING_EXPORT)
        .filter(run_id=run.pk)
        .select_related("agreement", "seller", "customer", "credited_invoice")
        .prefetch_related("lines__work_order")
        .order_by("customer__name", "id")
    )
    return [(inv, sorted(inv.lines.all(), key=lambda line: line.position)) for inv in invoices]


def counted_devices(*, invoice: Invoice) -> list[dict[str, Any]]:
    """The devices behind a fixed line: what each counted owner had in the register at the reference date."""
    from medtek.inventory.models import Device
    from medtek.inventory.selectors import devices_owned_on

    ref = invoice.basis.get("reference_date")
    if not ref:
        return []
    day = dt.date.fromisoformat(ref)
    owner_ids = [int(o) for o in (invoice.basis.get("counted_owners") or {str(invoice.customer_id): 0})]
    ids: list[int] = []
    actor = system_actor()
    for owner in Organisation.objects.filter(pk__in=owner_ids):
        ids.extend(devices_owned_on(user=actor, owner=owner, day=day))
    return list(
        Device.objects.filter(pk__in=ids)
        .select_related("model", "owner")
        .order_by("owner__name", "asset_number")
        .values("id", "asset_number", "model__name", "owner__name")
    )
