"""Every write of billing: the fixed and variable runs (idempotent), issuing and credit notes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from medtek.agreements.models import Agreement, AgreementParty
from medtek.agreements.rules import RateError
from medtek.billing import rules
from medtek.billing.choices import BillingPart, EventKind, InvoiceKind, InvoiceStatus, LineKind
from medtek.billing.models import BillingRun, Invoice, InvoiceLine, InvoiceSeries
from medtek.billing.selectors import VARIABLE_KINDS, FixedBasis, fixed_basis
from medtek.core.events import record_event
from medtek.core.money import format_kr, format_number
from medtek.maintenance.models import MaterialLine, TimeEntry, TravelEntry, WorkOrder
from medtek.organizations.models import Organisation
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for


def _agreements(user: Any, agreement: Agreement | int | None) -> list[Agreement]:
    scope_for(user).require(Cap.BILLING_MANAGE)
    qs = Agreement.objects.visible_to(user, Cap.BILLING_MANAGE).select_related("rate_schedule", "seller")
    if agreement is not None:
        pk = agreement.pk if isinstance(agreement, Agreement) else agreement
        found = list(qs.filter(pk=pk))
        if not found:
            raise ValidationError({"agreement": _("Unknown agreement, or one you may not bill.")})
        return found
    return [a for a in qs.order_by("reference") if scope_for(user).can(Cap.BILLING_MANAGE, a.provider_id)]


class LineSource(Protocol):
    """An invoice's lines written set-based (tens of thousands, e.g. assistive-device rent): their
    signatures in order (as `InvoiceLine.signature`), their net total, and their writing to an invoice
    (`write` may queue it; `flush` writes what is queued, so a run's lines go in one statement)."""

    def signatures(self) -> list[tuple[Any, ...]]: ...

    def net(self) -> Decimal: ...

    def write(self, invoice_id: int) -> None: ...

    def flush(self) -> None: ...


@dataclass
class Draft:
    """An invoice as a run would make it: header fields and its lines (or the source that writes them)."""

    agreement: Agreement
    customer_id: int
    buyer_reference: str
    lines: list[InvoiceLine] = field(default_factory=list)
    basis: dict[str, Any] = field(default_factory=dict)
    line_source: LineSource | None = None

    def totals(self, *, applies: bool, rate: Decimal) -> tuple[Decimal, Decimal, Decimal]:
        if self.line_source is None:
            return _totals(self.lines, applies=applies, rate=rate)
        net = self.line_source.net()
        vat = rules.vat_amount(net, applies=applies, rate=rate)
        return net, vat, net + vat

    def signatures(self) -> list[tuple[Any, ...]]:
        if self.line_source is None:
            return [line.signature() for line in self.lines]
        return self.line_source.signatures()


def _stored_signatures(invoice: Invoice, *, prefetched: bool) -> list[tuple[Any, ...]]:
    """The invoice's lines' signatures: from the prefetched lines, or read as plain rows."""
    if prefetched:
        return [line.signature() for line in invoice.lines.all()]
    rows = InvoiceLine.objects.filter(invoice=invoice).order_by("position")
    return [
        (kind, text, Decimal(qty).normalize(), unit, Decimal(price), Decimal(amount), wo, source, day)
        for kind, text, qty, unit, price, amount, wo, source, day in rows.values_list(
            "kind",
            "description",
            "quantity",
            "unit_code",
            "unit_price",
            "amount",
            "work_order_id",
            "source_id",
            "work_date",
        )
    ]


@dataclass
class RunResult:
    part: str
    period: str
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    run: BillingRun | None = None
    bases: list[FixedBasis] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _header(draft: Draft, period: rules.Period, part: str) -> dict[str, Any]:
    a = draft.agreement
    return {
        "kind": InvoiceKind.INVOICE,
        "agreement": a,
        "provider_id": a.provider_id,
        "seller_id": a.seller_id,
        "customer_id": draft.customer_id,
        "part": part,
        "period": period.label,
        "period_start": period.start,
        "period_end": period.end,
        "buyer_reference": draft.buyer_reference,
        "vat_applies": a.vat_applies,
        "vat_rate": a.vat_rate if a.vat_applies else Decimal("0"),
        "vat_exemption_reason": "" if a.vat_applies else a.vat_exemption_reason,
    }


def _totals(
    lines: Iterable[InvoiceLine], *, applies: bool, rate: Decimal
) -> tuple[Decimal, Decimal, Decimal]:
    net = sum((Decimal(line.amount) for line in lines), Decimal("0.00"))
    vat = rules.vat_amount(net, applies=applies, rate=rate)
    return net, vat, net + vat


def _save_drafts(
    *,
    user: Any,
    part: str,
    period: rules.Period,
    drafts: list[Draft],
    provider_id: int,
    run_basis: dict[str, Any],
) -> RunResult:
    """Create or refresh the drafts; issued invoices and unchanged drafts are left alone."""
    result = RunResult(part=part, period=period.label)
    if not drafts:
        return result
    agreement_ids = {d.agreement.pk for d in drafts}
    # Lines written set-based are compared as plain rows, never loaded as objects.
    prefetched = not any(d.line_source is not None for d in drafts)
    found = Invoice.objects.select_for_update().filter(
        agreement_id__in=agreement_ids,
        part=part,
        period=period.label,
        kind=InvoiceKind.INVOICE,
        status__in=[InvoiceStatus.DRAFT, InvoiceStatus.ISSUED],
    )
    existing = {
        (inv.agreement_id, inv.customer_id): inv
        for inv in (found.prefetch_related("lines") if prefetched else found)
    }
    to_create: list[tuple[Invoice, Draft]] = []
    to_update: list[tuple[Invoice, Draft]] = []
    for draft in drafts:
        for i, line in enumerate(draft.lines, start=1):
            line.position = i
        inv = existing.get((draft.agreement.pk, draft.customer_id))
        if inv is None:
            header = _header(draft, period, part)
            net, vat, gross = draft.totals(applies=header["vat_applies"], rate=header["vat_rate"])
            new = Invoice(
                **header, net_total=net, vat_total=vat, gross_total=gross, basis=_jsonable(draft.basis)
            )
            new.full_clean(exclude=["agreement", "provider", "seller", "customer", "run"])
            to_create.append((new, draft))
            continue
        if inv.status != InvoiceStatus.DRAFT:
            result.unchanged.append(inv.pk)
            continue
        header = _header(draft, period, part)
        same_header = all(
            getattr(inv, k) == v for k, v in header.items() if k not in {"agreement", "kind"}
        ) and inv.basis == _jsonable(draft.basis)
        same_lines = _stored_signatures(inv, prefetched=prefetched) == draft.signatures()
        if same_header and same_lines:
            result.unchanged.append(inv.pk)
        else:
            to_update.append((inv, draft))
    if not to_create and not to_update:
        return result
    run = BillingRun.objects.create(
        provider_id=provider_id,
        part=part,
        period=period.label,
        run_by=user if getattr(user, "pk", None) else None,
        basis=_jsonable(run_basis),
    )
    if to_create:
        for inv, _draft in to_create:
            inv.run = run
        Invoice.objects.bulk_create([inv for inv, _d in to_create], batch_size=500)
        created_pks = [inv.pk for inv, _d in to_create]
        if None in created_pks:  # a backend that does not return ids from bulk inserts
            created_pks = _refetch(to_create, part, period)
        lines = []
        for (inv, draft), pk in zip(to_create, created_pks, strict=True):
            inv.pk = pk
            if draft.line_source is not None:
                draft.line_source.write(pk)
                continue
            for line in draft.lines:
                line.invoice_id = pk
                lines.append(line)
        InvoiceLine.objects.bulk_create(lines, batch_size=2000)
        result.created = created_pks
    for inv, draft in to_update:
        header = _header(draft, period, part)
        for k, v in header.items():
            setattr(inv, k, v)
        inv.net_total, inv.vat_total, inv.gross_total = draft.totals(
            applies=inv.vat_applies, rate=inv.vat_rate
        )
        inv.basis = _jsonable(draft.basis)
        inv.run = run
        inv.save()
        inv.lines.all().delete()
        if draft.line_source is not None:
            draft.line_source.write(inv.pk)
            result.updated.append(inv.pk)
            continue
        for line in draft.lines:
            line.invoice_id = inv.pk
        InvoiceLine.objects.bulk_create(draft.lines, batch_size=2000)
        result.updated.append(inv.pk)
    for draft in drafts:
        if draft.line_source is not None:
            draft.line_source.flush()
    run.created, run.updated, run.unchanged = len(result.created), len(result.updated), len(result.unchanged)
    run.save(update_fields=["created", "updated", "unchanged"])
    result.run = run
    record_event(
        kind=EventKind.RUN,
        subject=run,
        actor=user,
        data={
            "part": part,
            "period": period.label,
            "created": result.created,
            "updated": result.updated,
            "unchanged": len(result.unchanged),
        },
        message=f"{part} {period.label}: {len(result.created)} created, {len(result.updated)} updated",
    )
    return result


def save_drafts(
    *,
    user: Any,
    part: str,
    period: rules.Period,
    drafts: list[Draft],
    provider_id: int,
    run_basis: dict[str, Any],
) -> RunResult:
    """Create or refresh a run's drafts (another app's billing part, e.g. assistive-device rent): the
    same idempotent writing as the fixed and variable runs."""
    return _save_drafts(
        user=user, part=part, period=period, drafts=drafts, provider_id=provider_id, run_basis=run_basis
    )


def billable_agreements(user: Any, agreement: Agreement | int | None = None) -> list[Agreement]:
    """The agreements the user may bill (one, when named)."""
    return _agreements(user, agreement)


def _refetch(pairs: list[tuple[Invoice, Draft]], part: str, period: rules.Period) -> list[int]:
    keys = {
        (inv.agreement_id, inv.customer_id): inv.pk
        for inv in Invoice.objects.filter(part=part, period=period.label, status=InvoiceStatus.DRAFT)
    }
    return [keys[(d.agreement.pk, d.customer_id)] for _i, d in pairs]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _period(parse: Any, value: str) -> rules.Period:
    try:
        return parse(value)  # type: ignore[no-any-return]
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from exc


# --- fixed part ---------------------------------------------------------------------------------


@transaction.atomic
def fixed_run(
    *,
    user: Any,
    period: str,
    agreement: Agreement | int | None = None,
    reference_date: dt.date | None = None,
) -> RunResult:
    """Draft the half-year's fixed-part invoices of every agreement in force (or of one).

    Idempotent: an issued invoice is never touched, an unchanged draft is left as it is.
    """
    half = _period(rules.parse_half_year, period)
    candidates = _agreements(user, agreement)
    if agreement is not None and not rules.is_billed(candidates[0].kind):
        raise ValidationError({"agreement": rules.not_billed_reason(candidates[0].reference)})
    agreements = [a for a in candidates if rules.is_billed(a.kind) and a.in_force_on(half.start)]
    if agreement is not None and not agreements:
        raise ValidationError(
            {"agreement": _("The agreement is not in force on %(day)s.") % {"day": half.start}}
        )
    drafts: list[Draft] = []
    bases: list[FixedBasis] = []
    provider_id = None
    for a in agreements:
        scope_for(user).require(Cap.BILLING_MANAGE, a.provider_id)
        provider_id = provider_id or a.provider_id
        try:
            basis = fixed_basis(agreement=a, period=half, reference_date=reference_date)
        except RateError as exc:
            raise ValidationError({"period": f"{a.reference}: {exc}"}) from exc
        except ValueError as exc:
            raise ValidationError({"period": f"{a.reference}: {exc}"}) from exc
        bases.append(basis)
        parties = {p.customer_id: p for p in a.parties.all()}
        with translation.override(rules.INVOICE_LANGUAGE):
            for row in basis.rows:
                if row.amount == 0:
                    continue
                text = _(
                    "Fixed part %(period)s: %(count)s of %(total)s registered devices on %(day)s "
                    "(%(share)s %%) of %(amount)s kr"
                ) % {
                    "period": half.label,
                    "count": row.count,
                    "total": basis.total_devices,
                    "day": basis.reference_date.isoformat(),
                    "share": format_number(row.share, places=1),
                    "amount": format_number(basis.total.total),
                }
                line_basis = {
                    "reference_date": basis.reference_date,
                    "count": row.count,
                    "counted_owners": row.owners,
                    "total_devices": basis.total_devices,
                    "share_percent": row.share,
                    "total": basis.total.total,
                    "hours": basis.total.hours,
                    "rate": basis.total.rate,
                }
                line = InvoiceLine(
                    kind=LineKind.FIXED,
                    description=text[:300],
                    quantity=Decimal("1"),
                    unit_code="C62",
                    unit_price=row.amount,
                    amount=row.amount,
                    basis=_jsonable(line_basis),
                )
                drafts.append(
                    Draft(
                        agreement=a,
                        customer_id=row.customer.pk,
                        buyer_reference=parties[row.customer.pk].buyer_reference,
                        lines=[line],
                        basis=_jsonable(line_basis),
                    )
                )
    run_basis = {
        b.agreement.reference: {
            "reference_date": b.reference_date,
            "total": b.total.total,
            "devices": b.total_devices,
            "rate": b.total.rate,
        }
        for b in bases
    }
    result = _save_drafts(
        user=user,
        part=BillingPart.FIXED,
        period=half,
        drafts=drafts,
        provider_id=provider_id or 0,
        run_basis=run_basis,
    )
    result.bases = bases
    return result


# --- variable part ------------------------------------------------------------------------------


RateOn = Callable[[dt.date], Decimal]


def _work_order_label(wo: WorkOrder) -> str:
    return f"{wo.number} {wo.title}"[:120]


def _time_line(t: TimeEntry, rate_on: RateOn) -> InvoiceLine:
    """Billable hours at the agreement's rate of the day they were worked."""
    rate = rate_on(t.date)
    text = _("%(wo)s: %(hours)s h on %(day)s (%(who)s) at %(rate)s kr/h") % {
        "wo": _work_order_label(t.work_order),
        "hours": str(t.hours).replace(".", ","),
        "day": t.date.isoformat(),
        "who": t.technician.get_full_name() or t.technician.username,
        "rate": format_number(rate),
    }
    return InvoiceLine(
        kind=LineKind.TIME,
        description=text[:300],
        quantity=t.hours,
        unit_code="HUR",
        unit_price=rate,
        amount=rules.line_amount(t.hours, rate),
        work_order=t.work_order,
        source_id=t.pk,
        work_date=t.date,
        basis={"time_entry": t.pk, "rate": str(rate)},
    )


def _travel_line(v: TravelEntry, rate_on: RateOn) -> InvoiceLine:
    """A visit's travel cost."""
    text = _("%(wo)s: visit %(place)s on %(day)s %(what)s") % {
        "wo": _work_order_label(v.work_order),
        "place": v.location.name if v.location else "",
        "day": v.date.isoformat(),
        "what": v.description,
    }
    return InvoiceLine(
        kind=LineKind.TRAVEL,
        description=" ".join(text.split())[:300],
        quantity=Decimal("1"),
        unit_code="C62",
        unit_price=v.cost,
        amount=v.cost,
        work_order=v.work_order,
        source_id=v.pk,
        work_date=v.date,
        basis={"travel_entry": v.pk},
    )


def _material_line(m: MaterialLine, rate_on: RateOn) -> InvoiceLine:
    """Material or spare parts used, at their price."""
    text = _("%(wo)s: %(kind)s %(article)s %(what)s") % {
        "wo": _work_order_label(m.work_order),
        "kind": m.get_kind_display().lower(),
        "article": m.article_number,
        "what": m.description,
    }
    return InvoiceLine(
        kind=LineKind.MATERIAL,
        description=" ".join(text.split())[:300],
        quantity=m.quantity,
        unit_code="H87",
        unit_price=m.unit_price,
        amount=m.amount,
        work_order=m.work_order,
        source_id=m.pk,
        work_date=m.date,
        basis={"material_line": m.pk},
    )


# What the variable part bills, in the order a work order's lines of one day appear: the entries of
# each kind, what they are read with, and the builder that makes each an invoice line.
VARIABLE_LINES: tuple[tuple[type[TimeEntry | TravelEntry | MaterialLine], tuple[str, ...], Any], ...] = (
    (TimeEntry, ("work_order", "technician"), _time_line),
    (TravelEntry, ("work_order", "location"), _travel_line),
    (MaterialLine, ("work_order",), _material_line),
)


def _variable_parties(
    user: Any, agreements: list[Agreement]
) -> tuple[dict[int, tuple[Agreement, AgreementParty]], int | None]:
    """Each owner whose work is billed -> the agreement and party billed for it (a care provider that
    counts as a customer is billed to that customer), and the provider running the billing."""
    owner_to_party: dict[int, tuple[Agreement, AgreementParty]] = {}
    provider_id = None
    for a in agreements:
        scope_for(user).require(Cap.BILLING_MANAGE, a.provider_id)
        provider_id = provider_id or a.provider_id
        for p in a.parties.all():
            owner_to_party.setdefault(p.customer_id, (a, p))
    if owner_to_party:
        for pk, target in Organisation.objects.filter(counts_as_id__in=list(owner_to_party)).values_list(
            "pk", "counts_as_id"
        ):
            owner_to_party.setdefault(pk, owner_to_party[target])
    return owner_to_party, provider_id


def _rates() -> Callable[[Agreement], RateOn]:
    """The day's rate of an agreement's schedule, looked up once per agreement and day."""
    rates: dict[tuple[int, dt.date], Decimal] = {}

    def rate_for(a: Agreement) -> RateOn:
        def rate_on(day: dt.date) -> Decimal:
            key = (a.pk, day)
            if key not in rates:
                if a.rate_schedule is None:
                    raise ValidationError(
                        {"agreement": _("%(ref)s has no rate schedule.") % {"ref": a.reference}}
                    )
                try:
                    rates[key] = a.rate_schedule.rate_on(day)
                except RateError as exc:
                    raise ValidationError({"period": f"{a.reference}: {exc}"}) from exc
            return rates[key]

        return rate_on

    return rate_for


@transaction.atomic
def variable_run(*, user: Any, period: str, agreement: Agreement | int | None = None) -> RunResult:
    """Draft the month's variable invoices: billable hours at the day's rate, travel and material.

    Entries of CM, QC, advice and other assignments count (PM is in the fixed part), of work orders
    of each customer and of the care providers that count as it.
    """
    month = _period(rules.parse_month, period)
    candidates = _agreements(user, agreement)
    if agreement is not None and not rules.is_billed(candidates[0].kind):
        raise ValidationError({"agreement": rules.not_billed_reason(candidates[0].reference)})
    agreements = [
        a
        for a in candidates
        if rules.is_billed(a.kind)
        and (a.in_force_on(month.start) or (month.start <= a.valid_from <= month.end))
    ]
    owner_to_party, provider_id = _variable_parties(user, agreements)
    entries = {
        "work_order__customer_id__in": list(owner_to_party),
        "work_order__kind__in": VARIABLE_KINDS,
        "billable": True,
        "date__gte": month.start,
        "date__lte": month.end,
    }
    rate_for = _rates()
    by_party: dict[tuple[int, int], list[tuple[str, int, dt.date, InvoiceLine]]] = defaultdict(list)
    with translation.override(rules.INVOICE_LANGUAGE):
        for place, (model, related, build) in enumerate(VARIABLE_LINES):
            found = model.objects.filter(**entries).select_related(*related)
            for entry in found.order_by("work_order__number", "date", "id"):
                a, p = owner_to_party[entry.work_order.customer_id]
                line = build(entry, rate_for(a))
                by_party[(a.pk, p.customer_id)].append((entry.work_order.number, place, entry.date, line))
    agreements_by_pk = {a.pk: a for a in agreements}
    drafts: list[Draft] = []
    for (agreement_pk, customer_id), rows in sorted(by_party.items()):
        rows.sort(key=lambda r: (r[0], r[1], r[2], r[3].source_id or 0))
        lines = [r[3] for r in rows]
        drafts.append(
            Draft(
                agreement=agreements_by_pk[agreement_pk],
                customer_id=customer_id,
                buyer_reference=owner_to_party[customer_id][1].buyer_reference,
                lines=lines,
                basis={"work_orders": sorted({line.work_order_id for line in lines if line.work_order_id})},
            )
        )
    return _save_drafts(
        user=user,
        part=BillingPart.VARIABLE,
        period=month,
        drafts=drafts,
        provider_id=provider_id or 0,
        run_basis={"agreements": [a.reference for a in agreements]},
    )


# --- issuing and credit notes -------------------------------------------------------------------


def _next_number(seller_id: int) -> str:
    series, _created = InvoiceSeries.objects.get_or_create(seller_id=seller_id)
    series = InvoiceSeries.objects.select_for_update().get(pk=series.pk)
    number = series.next_number
    series.next_number = number + 1
    series.save(update_fields=["next_number"])
    return f"{series.prefix}{number:06d}"


@transaction.atomic
def invoice_issue(*, user: Any, invoice: Invoice | int, issue_date: dt.date | None = None) -> Invoice:
    """Give a draft the next number of its series and freeze it."""
    pk = invoice.pk if isinstance(invoice, Invoice) else invoice
    inv = Invoice.objects.select_for_update().filter(pk=pk).first()
    if inv is None:
        raise ValidationError({"invoice": _("Unknown invoice.")})
    scope_for(user).require(Cap.BILLING_MANAGE, inv.provider_id)
    if inv.status != InvoiceStatus.DRAFT:
        raise ValidationError(
            {
                "invoice": _(
                    "%(kind)s %(number)s was already issued on %(day)s; an issued invoice never changes "
                    "(correct it with a credit note)."
                )
                % {"kind": inv.get_kind_display(), "number": inv.number, "day": inv.issue_date}
            }
        )
    if not inv.lines.exists():
        raise ValidationError({"invoice": _("An invoice without lines cannot be issued.")})
    day = issue_date or timezone.localdate()
    inv.number = _next_number(inv.seller_id)
    inv.status = InvoiceStatus.ISSUED
    inv.issue_date = day
    inv.due_date = day + dt.timedelta(days=inv.agreement.payment_terms_days)
    inv.issued_at = timezone.now()
    inv.issued_by = user if getattr(user, "pk", None) else None
    inv.save()
    if inv.kind == InvoiceKind.CREDIT_NOTE and inv.credited_invoice_id:
        Invoice.objects.filter(pk=inv.credited_invoice_id).update(status=InvoiceStatus.CREDITED)
    record_event(
        kind=EventKind.ISSUED,
        subject=inv,
        actor=user,
        data={"number": inv.number, "kind": inv.kind, "customer": inv.customer_id, "total": inv.gross_total},
        message=f"{inv.number} {inv.period} {format_kr(inv.gross_total)}",
    )
    return inv


@transaction.atomic
def invoice_credit(*, user: Any, invoice: Invoice | int, reason: str) -> Invoice:
    """A draft credit note for the whole of an issued invoice, referencing it."""
    pk = invoice.pk if isinstance(invoice, Invoice) else invoice
    inv = Invoice.objects.select_for_update().filter(pk=pk).first()
    if inv is None:
        raise ValidationError({"invoice": _("Unknown invoice.")})
    scope_for(user).require(Cap.BILLING_MANAGE, inv.provider_id)
    if inv.kind != InvoiceKind.INVOICE:
        raise ValidationError({"invoice": _("A credit note cannot itself be credited.")})
    if inv.status == InvoiceStatus.DRAFT:
        raise ValidationError(
            {"invoice": _("A draft is not credited: run the billing again or leave it unissued.")}
        )
    existing = inv.credit_notes.first()
    if existing is not None:
        raise ValidationError(
            {
                "invoice": _("Invoice %(number)s already has a credit note (%(credit)s).")
                % {"number": inv.number, "credit": existing.display_number}
            }
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the credit note.")})
    note = Invoice(
        kind=InvoiceKind.CREDIT_NOTE,
        status=InvoiceStatus.DRAFT,
        agreement_id=inv.agreement_id,
        provider_id=inv.provider_id,
        seller_id=inv.seller_id,
        customer_id=inv.customer_id,
        part=inv.part,
        period=inv.period,
        period_start=inv.period_start,
        period_end=inv.period_end,
        buyer_reference=inv.buyer_reference,
        vat_applies=inv.vat_applies,
        vat_rate=inv.vat_rate,
        vat_exemption_reason=inv.vat_exemption_reason,
        net_total=inv.net_total,
        vat_total=inv.vat_total,
        gross_total=inv.gross_total,
        credited_invoice=inv,
        note=reason.strip()[:500],
        basis=inv.basis,
    )
    note.save()
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
                invoice=note,
                position=line.position,
                kind=line.kind,
                description=line.description,
                quantity=line.quantity,
                unit_code=line.unit_code,
                unit_price=line.unit_price,
                amount=line.amount,
                work_order_id=line.work_order_id,
                source_id=line.source_id,
                work_date=line.work_date,
                basis=line.basis,
            )
            for line in inv.lines.all()
        ]
    )
    record_event(
        kind=EventKind.CREDITED,
        subject=note,
        actor=user,
        data={"credits": inv.pk, "number": inv.number, "reason": note.note},
        message=_("Credit note for %(number)s") % {"number": inv.number},
    )
    return note


# --- the guard on closed periods ----------------------------------------------------------------


def closed_period_guard(work_order: WorkOrder, day: dt.date) -> None:
    """Refuse a billable entry in a month already invoiced to the work order's customer."""
    if work_order.kind not in VARIABLE_KINDS:
        return
    customer_ids = [work_order.customer_id]
    counts_as = (
        Organisation.objects.filter(pk=work_order.customer_id).values_list("counts_as_id", flat=True).first()
    )
    if counts_as:
        customer_ids.append(counts_as)
    label = f"{day.year}-{day.month:02d}"
    issued = (
        Invoice.objects.filter(
            customer_id__in=customer_ids,
            part=BillingPart.VARIABLE,
            period=label,
            kind=InvoiceKind.INVOICE,
            status=InvoiceStatus.ISSUED,
        )
        .order_by("issue_date")
        .first()
    )
    if issued is not None:
        raise ValidationError(
            {
                "date": _(
                    "%(month)s is already invoiced to %(customer)s (invoice %(number)s): "
                    "the period is closed. Date the entry in an open month, or credit the invoice first."
                )
                % {"month": label, "customer": issued.customer.name, "number": issued.number}
            }
        )
