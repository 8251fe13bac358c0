"""The assistive-device part of billing: `medtek bill assistive 2026-03`.

Each loan that touches the month is billed one month's rent (per started month) to the prescriber's
organisation under its assistive-device agreement with the centre, plus the article's one-off fitting or
delivery fee in the month the item was fitted or dispensed. Lines name the item and the loan period,
never the patient. Re-running a month changes nothing that is unchanged, and an issued invoice is never
touched again.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from medtek.agreements.choices import AgreementKind
from medtek.agreements.models import Agreement
from medtek.assistive.models import Loan
from medtek.billing import rules as billing_rules
from medtek.billing.choices import BillingPart, LineKind
from medtek.billing.models import InvoiceLine
from medtek.billing.services import Draft, RunResult, billable_agreements, save_drafts
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for


def _month(period: str) -> billing_rules.Period:
    try:
        return billing_rules.parse_month(period)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from exc


def _line(
    kind: str, text: str, unit_code: str, price: Decimal, basis: dict[str, Any], day: dt.date
) -> InvoiceLine:
    return InvoiceLine(
        kind=kind,
        description=text[:300],
        quantity=Decimal("1"),
        unit_code=unit_code,
        unit_price=price,
        amount=price,
        source_id=basis["loan"],
        work_date=day,
        basis=basis,
    )


@dataclass
class Billable:
    """What a month's run bills: the agreements, their parties by (centre, customer), and the loans."""

    month: billing_rules.Period
    agreements: list[Agreement]
    party_of: dict[tuple[int, int], tuple[Agreement, Any]]

    def loans(self) -> QuerySet[Loan]:
        """The loans that touch the month, of a customer of the centre that lent the item: one
        condition per centre, so no loan is fetched only to be skipped."""
        customers: dict[int, list[int]] = defaultdict(list)
        for centre_id, customer_id in sorted(self.party_of):
            customers[centre_id].append(customer_id)
        whose = Q()
        for centre_id, ids in customers.items():
            whose |= Q(item__article__centre_id=centre_id, organisation_id__in=ids)
        return (
            Loan.objects.filter(whose, dispensed_on__lte=self.month.end)
            .filter(Q(returned_on__isnull=True) | Q(returned_on__gte=self.month.start))
            .order_by()
        )


def _billable(user: Any, period: str, agreement: Agreement | int | None = None) -> Billable:
    month = _month(period)
    agreements = [
        a
        for a in billable_agreements(user, agreement)
        if a.kind == AgreementKind.ASSISTIVE
        and (a.in_force_on(month.start) or month.start <= a.valid_from <= month.end)
    ]
    if agreement is not None and not agreements:
        raise ValidationError(
            {"agreement": _("This is not an assistive-device agreement in force that month.")}
        )
    party_of: dict[tuple[int, int], tuple[Agreement, Any]] = {}
    for a in agreements:
        scope_for(user).require(Cap.BILLING_MANAGE, a.provider_id)
        for p in a.parties.all():
            party_of.setdefault((a.provider_id, p.customer_id), (a, p))
    return Billable(month=month, agreements=agreements, party_of=party_of)


@dataclass(frozen=True)
class Preview:
    """What a run of the month would bill, for the confirmation: the month, the loans, the customers."""

    period: str
    loans: int
    customers: int


def billing_preview(*, user: Any, period: str) -> Preview:
    """The month's loans to bill (and to how many customers), counted before the run is confirmed."""
    billable = _billable(user, period)
    if not billable.party_of:
        return Preview(period=billable.month.label, loans=0, customers=0)
    counts = billable.loans().aggregate(loans=Count("pk"), customers=Count("organisation_id", distinct=True))
    return Preview(period=billable.month.label, loans=counts["loans"], customers=counts["customers"])


LOAN_COLUMNS = (
    "pk",
    "organisation_id",
    "dispensed_on",
    "returned_on",
    "fitted_on",
    "prescription__number",
    "item__device_id",
    "item__device__asset_number",
    "item__article__centre_id",
    "item__article__name",
    "item__article__monthly_rent",
    "item__article__delivery_fee",
    "item__article__needs_fitting",
    "item__article__fitting_fee",
)


@transaction.atomic
def assistive_run(*, user: Any, period: str, agreement: Agreement | int | None = None) -> RunResult:
    """Draft the month's rent invoices of assistive-device loans, one per agreement and customer."""
    billable = _billable(user, period, agreement)
    month, agreements, party_of = billable.month, billable.agreements, billable.party_of
    if not party_of:
        return RunResult(part=BillingPart.ASSISTIVE, period=month.label)
    # One query of plain rows (no model instances), the texts' templates translated once.
    rows = (
        billable.loans()
        .order_by("item__device__asset_number", "dispensed_on", "id")
        .values_list(*LOAN_COLUMNS)
    )
    by_party: dict[tuple[int, int], list[InvoiceLine]] = defaultdict(list)
    with translation.override(billing_rules.INVOICE_LANGUAGE):
        ongoing = _("ongoing")
        rent_text = _("Rent %(month)s: %(article)s %(asset)s, loan %(number)s %(start)s–%(until)s")
        delivery_text = _("Delivery %(start)s: %(article)s %(asset)s, loan %(number)s")
        fitting_text = _("Fitting %(day)s: %(article)s %(asset)s, loan %(number)s")
    for (
        loan_id,
        customer_id,
        dispensed_on,
        returned_on,
        fitted_on,
        number,
        device_id,
        asset,
        centre_id,
        article,
        rent,
        delivery_fee,
        needs_fitting,
        fitting_fee,
    ) in rows.iterator(chunk_size=5000):
        a, _party = party_of[(centre_id, customer_id)]
        what = {
            "article": article,
            "asset": asset,
            "number": number,
            "start": dispensed_on.isoformat(),
            "until": returned_on.isoformat() if returned_on else ongoing,
            "month": month.label,
        }
        basis = {"loan": loan_id, "prescription": number, "item": device_id}
        lines = by_party[(a.pk, customer_id)]
        lines.append(
            _line(LineKind.RENT, rent_text % what, "MON", rent, {**basis, "rent": str(rent)}, month.start)
        )
        if delivery_fee and month.start <= dispensed_on <= month.end:
            lines.append(
                _line(
                    LineKind.FEE,
                    delivery_text % what,
                    "C62",
                    delivery_fee,
                    {**basis, "fee": "delivery"},
                    dispensed_on,
                )
            )
        if needs_fitting and fitting_fee and fitted_on and month.start <= fitted_on <= month.end:
            lines.append(
                _line(
                    LineKind.FEE,
                    fitting_text % {**what, "day": fitted_on.isoformat()},
                    "C62",
                    fitting_fee,
                    {**basis, "fee": "fitting"},
                    fitted_on,
                )
            )
    by_pk = {a.pk: a for a in agreements}
    drafts = []
    for (agreement_pk, customer_id), lines in sorted(by_party.items()):
        a = by_pk[agreement_pk]
        party = party_of[(a.provider_id, customer_id)][1]
        drafts.append(
            Draft(
                agreement=a,
                customer_id=customer_id,
                buyer_reference=party.buyer_reference,
                lines=lines,
                basis={"loans": sorted({int(line.source_id or 0) for line in lines})},
            )
        )
    return save_drafts(
        user=user,
        part=BillingPart.ASSISTIVE,
        period=month,
        drafts=drafts,
        provider_id=agreements[0].provider_id if agreements else 0,
        run_basis={"agreements": [a.reference for a in agreements]},
    )
