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
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
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


@transaction.atomic
def assistive_run(*, user: Any, period: str, agreement: Agreement | int | None = None) -> RunResult:
    """Draft the month's rent invoices of assistive-device loans, one per agreement and customer."""
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
    if not party_of:
        return RunResult(part=BillingPart.ASSISTIVE, period=month.label)
    customers = sorted({c for _p, c in party_of})
    loans = (
        Loan.objects.filter(organisation_id__in=customers, dispensed_on__lte=month.end)
        .filter(Q(returned_on__isnull=True) | Q(returned_on__gte=month.start))
        .select_related("item__device", "item__article", "prescription")
        .order_by("item__device__asset_number", "dispensed_on", "id")
    )
    by_party: dict[tuple[int, int], list[InvoiceLine]] = defaultdict(list)
    with translation.override(billing_rules.INVOICE_LANGUAGE):
        for loan in loans:
            article = loan.item.article
            key = (article.centre_id, loan.organisation_id)
            if key not in party_of:
                continue
            a, _party = party_of[key]
            until = loan.returned_on.isoformat() if loan.returned_on else _("ongoing")
            what = {
                "article": article.name,
                "asset": loan.item.device.asset_number,
                "number": loan.prescription.number,
                "start": loan.dispensed_on.isoformat(),
                "until": until,
                "month": month.label,
            }
            basis = {"loan": loan.pk, "prescription": loan.prescription.number, "item": loan.item.device_id}
            by_party[(a.pk, loan.organisation_id)].append(
                _line(
                    LineKind.RENT,
                    _("Rent %(month)s: %(article)s %(asset)s, loan %(number)s %(start)s–%(until)s") % what,
                    "MON",
                    article.monthly_rent,
                    {**basis, "rent": str(article.monthly_rent)},
                    month.start,
                )
            )
            if article.delivery_fee and month.start <= loan.dispensed_on <= month.end:
                by_party[(a.pk, loan.organisation_id)].append(
                    _line(
                        LineKind.FEE,
                        _("Delivery %(start)s: %(article)s %(asset)s, loan %(number)s") % what,
                        "C62",
                        article.delivery_fee,
                        {**basis, "fee": "delivery"},
                        loan.dispensed_on,
                    )
                )
            if (
                article.needs_fitting
                and article.fitting_fee
                and loan.fitted_on
                and month.start <= loan.fitted_on <= month.end
            ):
                by_party[(a.pk, loan.organisation_id)].append(
                    _line(
                        LineKind.FEE,
                        _("Fitting %(day)s: %(article)s %(asset)s, loan %(number)s")
                        % {**what, "day": loan.fitted_on.isoformat()},
                        "C62",
                        article.fitting_fee,
                        {**basis, "fee": "fitting"},
                        loan.fitted_on,
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
