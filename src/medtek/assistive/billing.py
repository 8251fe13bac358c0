"""The assistive-device part of billing: `medtek bill assistive 2026-03`.

Each loan that touches the month is billed one month's rent (per started month) to the prescriber's
organisation under its assistive-device agreement with the centre, plus the article's one-off fitting or
delivery fee in the month the item was fitted or dispensed. Lines name the item and the loan period,
never the patient. Re-running a month changes nothing that is unchanged, and an issued invoice is never
touched again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, JSONObject, Substr
from django.utils import translation
from django.utils.translation import gettext as _

from medtek.agreements.choices import AgreementKind
from medtek.agreements.models import Agreement
from medtek.assistive.models import Loan
from medtek.billing import rules as billing_rules
from medtek.billing.choices import BillingPart, LineKind
from medtek.billing.models import InvoiceLine
from medtek.billing.services import Draft, RunResult, billable_agreements, save_drafts
from medtek.core.money import money
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for


def _month(period: str) -> billing_rules.Period:
    try:
        return billing_rules.parse_month(period)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from exc


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


TEMPLATE_FIELD = re.compile(r"%\((\w+)\)s")
SELECT_COLUMNS = (
    "l_centre",
    "l_customer",
    "l_asset",
    "l_day",
    "l_loan",
    "l_sub",
    "l_kind",
    "l_text",
    "l_quantity",
    "l_unit",
    "l_price",
    "l_source",
    "l_date",
    "l_basis",
)


class Joined(Func):
    """Text parts joined with SQL's `||` (none of them null): flat, where Concat nests a pair per part."""

    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = CharField()


def _as_sql(template: str, fields: dict[str, Any]) -> Any:
    """A translated line text as a database expression: its literal parts and its fields concatenated
    (at most 300 characters, as a line's description)."""
    parts: list[Any] = []
    at = 0
    for match in TEMPLATE_FIELD.finditer(template):
        if match.start() > at:
            parts.append(Value(template[at : match.start()]))
        parts.append(fields[match.group(1)])
        at = match.end()
    if at < len(template):
        parts.append(Value(template[at:]))
    return Substr(Joined(*parts), 1, 300)


def _iso(field: str) -> Any:
    return Cast(field, output_field=CharField())


class RentLines:
    """A month's invoice lines of every loan a run bills: rent for each loan, and the one-off delivery
    and fitting fees that fall in the month. Computed in the database and written with one
    INSERT … SELECT for all the run's invoices, each invoice's lines in the order of item, loan start
    and loan, the rent before the fees. `of(centre, customer)` is one invoice's share (a LineSource)."""

    def __init__(self, *, loans: QuerySet[Loan], month: billing_rules.Period, texts: dict[str, str]) -> None:
        self.loans = loans
        self.month = month
        self.texts = texts
        self.invoice_of: dict[tuple[int, int], int] = {}
        self._nets: dict[tuple[int, int], Decimal] | None = None
        self._signatures: dict[tuple[int, int], list[tuple[Any, ...]]] | None = None

    def of(self, centre_id: int, customer_id: int) -> CustomerRentLines:
        return CustomerRentLines(self, (centre_id, customer_id))

    def _part(
        self,
        sub: int,
        kind: str,
        unit: str,
        price: str,
        day: Any,
        basis: dict[str, Any],
        amounts_only: bool = False,
    ) -> Any:
        fields = {
            "month": Value(self.month.label),
            "article": F("item__article__name"),
            "asset": F("item__device__asset_number"),
            "number": F("prescription__number"),
            "start": _iso("dispensed_on"),
            "until": Case(
                When(returned_on__isnull=True, then=Value(self.texts["ongoing"])),
                default=_iso("returned_on"),
                output_field=CharField(),
            ),
            "day": _iso("fitted_on"),
        }
        rows = self.loans
        if sub == 1:
            rows = rows.filter(
                item__article__delivery_fee__gt=0,
                dispensed_on__gte=self.month.start,
                dispensed_on__lte=self.month.end,
            )
        elif sub == 2:
            rows = rows.filter(
                item__article__needs_fitting=True,
                item__article__fitting_fee__gt=0,
                fitted_on__gte=self.month.start,
                fitted_on__lte=self.month.end,
            )
        annotations = {
            "l_centre": F("item__article__centre_id"),
            "l_customer": F("organisation_id"),
            "l_asset": F("item__device__asset_number"),
            "l_day": F("dispensed_on"),
            "l_loan": F("id"),
            "l_sub": Value(sub, output_field=IntegerField()),
            "l_kind": Value(kind, output_field=CharField()),
            "l_text": _as_sql(self.texts[("rent", "delivery", "fitting")[sub]], fields),
            "l_quantity": Value(Decimal("1.000"), output_field=DecimalField(max_digits=12, decimal_places=3)),
            "l_unit": Value(unit, output_field=CharField()),
            "l_price": F(price),
            "l_source": F("id"),
            "l_date": day,
            "l_basis": JSONObject(
                loan=F("id"), prescription=F("prescription__number"), item=F("item__device_id"), **basis
            ),
        }
        if amounts_only:
            return (
                rows.order_by()
                .annotate(
                    l_centre=annotations["l_centre"],
                    l_customer=annotations["l_customer"],
                    l_price=annotations["l_price"],
                )
                .values("l_centre", "l_customer", "l_price")
            )
        return rows.order_by().annotate(**annotations).values(*SELECT_COLUMNS)

    def _union(self, *, amounts_only: bool = False) -> tuple[str, list[Any]]:
        """The rent and the two fees' rows, one after the other (only centre, customer and amount when
        `amounts_only`: what the totals need)."""
        parts = [
            self._part(
                0,
                LineKind.RENT,
                "MON",
                "item__article__monthly_rent",
                Value(self.month.start, output_field=DateField()),
                {"rent": Cast("item__article__monthly_rent", output_field=CharField())},
                amounts_only,
            ),
            self._part(
                1,
                LineKind.FEE,
                "C62",
                "item__article__delivery_fee",
                F("dispensed_on"),
                {"fee": Value("delivery")},
                amounts_only,
            ),
            self._part(
                2,
                LineKind.FEE,
                "C62",
                "item__article__fitting_fee",
                F("fitted_on"),
                {"fee": Value("fitting")},
                amounts_only,
            ),
        ]
        sqls: list[str] = []
        params: list[Any] = []
        for part in parts:
            sql, part_params = part.query.sql_with_params()
            sqls.append(f"SELECT * FROM ({sql}) p{len(sqls)}")
            params.extend(part_params)
        return " UNION ALL ".join(sqls), params

    def _select(self) -> tuple[str, list[Any]]:
        """The lines as rows (centre, customer, pos, kind, text, quantity, unit, price, source, date,
        basis), numbered per centre and customer."""
        union, params = self._union()
        return (
            "SELECT u.l_centre, u.l_customer, ROW_NUMBER() OVER (PARTITION BY u.l_centre, u.l_customer "
            "ORDER BY u.l_asset, u.l_day, u.l_loan, u.l_sub) AS pos, u.l_kind, u.l_text, u.l_quantity, "
            f"u.l_unit, u.l_price, u.l_source, u.l_date, u.l_basis FROM ({union}) u",
            params,
        )

    def nets(self) -> dict[tuple[int, int], Decimal]:
        """Each invoice's net total, summed in one grouped query."""
        if self._nets is None:
            sql, params = self._union(amounts_only=True)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT s.l_centre, s.l_customer, SUM(s.l_price) FROM ({sql}) s "
                    "GROUP BY s.l_centre, s.l_customer",
                    params,
                )
                self._nets = {(c, o): money(Decimal(str(t))) for c, o, t in cursor.fetchall()}
        return self._nets

    def signatures(self) -> dict[tuple[int, int], list[tuple[Any, ...]]]:
        """Each invoice's lines as `InvoiceLine.signature` tuples (read only when a month is re-run)."""
        if self._signatures is None:
            sql, params = self._select()
            found: dict[tuple[int, int], list[tuple[Any, ...]]] = defaultdict(list)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT * FROM ({sql}) s ORDER BY s.l_centre, s.l_customer, s.pos", params)
                for centre, customer, _pos, kind, text, qty, unit, price, source, day, _basis in cursor:
                    found[(centre, customer)].append(
                        (
                            kind,
                            text,
                            Decimal(str(qty)).normalize(),
                            unit,
                            Decimal(str(price)),
                            Decimal(str(price)),
                            None,
                            source,
                            dt.date.fromisoformat(day) if isinstance(day, str) else day,
                        )
                    )
            self._signatures = dict(found)
        return self._signatures

    def flush(self) -> None:
        """Write the lines of every invoice `write` named, in one statement."""
        if not self.invoice_of:
            return
        sql, params = self._select()
        pairs = sorted(self.invoice_of.items())
        values = ", ".join("(%s, %s, %s)" for _pair in pairs)
        line = InvoiceLine._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH m(centre, customer, invoice) AS (VALUES {values}) "
                f"INSERT INTO {line} (invoice_id, position, kind, description, quantity, unit_code, "
                "unit_price, amount, work_order_id, source_id, work_date, basis) "
                "SELECT m.invoice, s.pos, s.l_kind, s.l_text, s.l_quantity, s.l_unit, s.l_price, s.l_price, "
                f"NULL, s.l_source, s.l_date, s.l_basis FROM ({sql}) s "
                "JOIN m ON m.centre = s.l_centre AND m.customer = s.l_customer",
                [v for (centre, customer), invoice in pairs for v in (centre, customer, invoice)] + params,
            )
        self.invoice_of.clear()


class CustomerRentLines:
    """One invoice's share of a run's rent lines: the loans of one customer from one centre."""

    def __init__(self, lines: RentLines, key: tuple[int, int]) -> None:
        self.lines = lines
        self.key = key

    def net(self) -> Decimal:
        return self.lines.nets().get(self.key, Decimal("0.00"))

    def signatures(self) -> list[tuple[Any, ...]]:
        return self.lines.signatures().get(self.key, [])

    def write(self, invoice_id: int) -> None:
        self.lines.invoice_of[self.key] = invoice_id

    def flush(self) -> None:
        self.lines.flush()


@transaction.atomic
def assistive_run(*, user: Any, period: str, agreement: Agreement | int | None = None) -> RunResult:
    """Draft the month's rent invoices of assistive-device loans, one per agreement and customer."""
    billable = _billable(user, period, agreement)
    month, agreements, party_of = billable.month, billable.agreements, billable.party_of
    if not party_of:
        return RunResult(part=BillingPart.ASSISTIVE, period=month.label)
    with translation.override(billing_rules.INVOICE_LANGUAGE):
        texts = {
            "ongoing": _("ongoing"),
            "rent": _("Rent %(month)s: %(article)s %(asset)s, loan %(number)s %(start)s–%(until)s"),
            "delivery": _("Delivery %(start)s: %(article)s %(asset)s, loan %(number)s"),
            "fitting": _("Fitting %(day)s: %(article)s %(asset)s, loan %(number)s"),
        }
    loans = billable.loans()
    lines = RentLines(loans=loans, month=month, texts=texts)
    loan_ids: dict[tuple[int, int], list[int]] = defaultdict(list)
    for loan_id, centre_id, customer_id in loans.values_list(
        "pk", "item__article__centre_id", "organisation_id"
    ).iterator(chunk_size=10000):
        loan_ids[(centre_id, customer_id)].append(loan_id)
    drafts = []
    for (centre_id, customer_id), ids in sorted(loan_ids.items()):
        a, party = party_of[(centre_id, customer_id)]
        drafts.append(
            Draft(
                agreement=a,
                customer_id=customer_id,
                buyer_reference=party.buyer_reference,
                basis={"loans": sorted(ids)},
                line_source=lines.of(centre_id, customer_id),
            )
        )
    drafts.sort(key=lambda d: (d.agreement.pk, d.customer_id))
    return save_drafts(
        user=user,
        part=BillingPart.ASSISTIVE,
        period=month,
        drafts=drafts,
        provider_id=agreements[0].provider_id if agreements else 0,
        run_basis={"agreements": [a.reference for a in agreements]},
    )
