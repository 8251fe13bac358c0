"""Every write to agreements, rate schedules and index figures: validated, atomic, one event each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medtek.agreements import rules
from medtek.agreements.choices import EventKind, RateRounding
from medtek.agreements.models import Agreement, AgreementParty, IndexFigure, RateSchedule
from medtek.core.events import record_event
from medtek.organizations.models import Organisation
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for

AGREEMENT_FIELDS = (
    "kind",
    "notice_months",
    "auto_extend",
    "extension_months",
    "fixed_mode",
    "fixed_base_hours",
    "fixed_minutes_per_device",
    "fixed_base_amount",
    "fixed_amount_per_device",
    "count_reference",
    "vat_applies",
    "vat_rate",
    "vat_exemption_reason",
    "payment_terms_days",
    "bankgiro",
    "notes",
)
PRICE_FIELDS = (
    "fixed_base_amount",
    "fixed_amount_per_device",
    "fixed_base_hours",
    "fixed_minutes_per_device",
)


def _org(user: Any, org: Organisation | int, capability: str, field: str) -> Organisation:
    org_id = org.pk if isinstance(org, Organisation) else org
    scope_for(user).require(capability)
    try:
        found = Organisation.objects.visible_to(user).get(pk=org_id)
    except (Organisation.DoesNotExist, ValueError, TypeError) as exc:
        raise ValidationError({field: _("Unknown organisation, or one you may not manage.")}) from exc
    scope_for(user).require(capability, found.pk)
    return found


def _span(agreement: Agreement) -> str:
    end = rules.final_end(agreement.terms)
    until = end.isoformat() if end else _("extended automatically until terminated")
    return f"{agreement.valid_from.isoformat()} – {until}"


def check_no_overlap(*, candidate: Agreement, customers: Iterable[Organisation]) -> None:
    """A customer has at most one agreement of a kind in force on any day."""
    customers = list(customers)
    existing = (
        Agreement.objects.filter(parties__customer__in=customers, kind=candidate.kind)
        .exclude(pk=candidate.pk)
        .prefetch_related("parties")
        .distinct()
    )
    for other in existing:
        if rules.overlaps(candidate.terms, other.terms):
            party_ids = {p.customer_id for p in other.parties.all()}
            name = next(c.name for c in customers if c.pk in party_ids)
            raise ValidationError(
                {
                    "customers": _(
                        "%(customer)s already has an agreement of this kind for an overlapping period: "
                        "%(reference)s (%(span)s). Record its termination first or choose dates that do "
                        "not overlap."
                    )
                    % {"customer": name, "reference": other.reference, "span": _span(other)}
                }
            )


def _price(fields: Mapping[str, Any]) -> None:
    for name in PRICE_FIELDS:
        value = fields.get(name)
        if value is not None and Decimal(value) < 0:
            raise ValidationError({name: _("A price cannot be negative.")})


@transaction.atomic
def agreement_create(
    *,
    user: Any,
    provider: Organisation | int,
    seller: Organisation | int,
    reference: str,
    title: str,
    valid_from: dt.date,
    valid_until: dt.date,
    customers: Iterable[tuple[Organisation | int, str]],
    rate_schedule: RateSchedule | int | None = None,
    **fields: Any,
) -> Agreement:
    """An agreement between `provider` and the customers [(customer, buyer reference), ...]."""
    provider_obj = _org(user, provider, Cap.AGREEMENT_MANAGE, "provider")
    seller_id = seller.pk if isinstance(seller, Organisation) else seller
    seller_obj = Organisation.objects.filter(pk=seller_id).first()
    if seller_obj is None or seller_obj.pk not in {provider_obj.pk, provider_obj.parent_id}:
        raise ValidationError(
            {"seller": _("The invoicing party is the MT provider or the region it is part of.")}
        )
    unknown = set(fields) - set(AGREEMENT_FIELDS)
    if unknown:
        raise ValidationError({f: _("Unknown field.") for f in sorted(unknown)})
    _price(fields)
    schedule = None
    if rate_schedule is not None:
        schedule_id = rate_schedule.pk if isinstance(rate_schedule, RateSchedule) else rate_schedule
        schedule = RateSchedule.objects.filter(pk=schedule_id, provider=provider_obj).first()
        if schedule is None:
            raise ValidationError({"rate_schedule": _("Unknown rate schedule of this MT provider.")})
    parties: list[tuple[Organisation, str]] = []
    for customer, buyer_reference in customers:
        org = _org(user, customer, Cap.AGREEMENT_MANAGE, "customers")
        if not (buyer_reference or "").strip():
            raise ValidationError(
                {"customers": _("Give %(customer)s's buyer reference.") % {"customer": org}}
            )
        parties.append((org, buyer_reference.strip()))
    if not parties:
        raise ValidationError({"customers": _("An agreement needs at least one customer.")})
    if len({org.pk for org, _ref in parties}) != len(parties):
        raise ValidationError({"customers": _("A customer is listed twice.")})
    # Lock the customers so two agreements for the same customer cannot slip past the overlap check.
    list(Organisation.objects.select_for_update().filter(pk__in=[o.pk for o, _r in parties]).order_by("pk"))
    agreement = Agreement(
        provider=provider_obj,
        seller=seller_obj,
        reference=(reference or "").strip(),
        title=(title or "").strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        rate_schedule=schedule,
        **fields,
    )
    agreement.full_clean()
    check_no_overlap(candidate=agreement, customers=[o for o, _r in parties])
    agreement.save()
    AgreementParty.objects.bulk_create(
        [AgreementParty(agreement=agreement, customer=org, buyer_reference=ref) for org, ref in parties]
    )
    record_event(
        kind=EventKind.AGREEMENT_CREATED,
        subject=agreement,
        actor=user,
        data={
            "reference": agreement.reference,
            "valid_from": valid_from,
            "valid_until": valid_until,
            "customers": [o.pk for o, _r in parties],
        },
        message=f"{agreement.reference} {agreement.title}",
    )
    return agreement


@transaction.atomic
def agreement_terminate(
    *, user: Any, agreement: Agreement, given_on: dt.date, decision_reference: str, forum: str
) -> Agreement:
    """Record notice of termination; the agreement ends at the first end whose notice deadline it met."""
    scope_for(user).require(Cap.AGREEMENT_MANAGE, agreement.provider_id)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.terminated_on is not None:
        raise ValidationError(
            {
                "given_on": _("Notice was already recorded on %(day)s (%(ref)s).")
                % {"day": agreement.terminated_on.isoformat(), "ref": agreement.termination_decision}
            }
        )
    refusal = rules.notice_date_refusal(given_on, valid_from=agreement.valid_from, today=timezone.localdate())
    if refusal:
        raise ValidationError({"given_on": refusal})
    if not (decision_reference or "").strip():
        raise ValidationError({"decision_reference": _("Give the reference of the decision to terminate.")})
    if not (forum or "").strip():
        raise ValidationError({"forum": _("Name the forum where notice was given.")})
    deadline_before = rules.next_notice_deadline(agreement.terms, given_on)
    if agreement.auto_extend and deadline_before is None:
        raise ValidationError({"given_on": _("The agreement has already ended on that day.")})
    agreement.terminated_on = given_on
    agreement.termination_decision = decision_reference.strip()
    agreement.termination_forum = forum.strip()
    agreement.full_clean()
    agreement.save()
    end = rules.end_on(agreement.terms, given_on)
    record_event(
        kind=EventKind.AGREEMENT_TERMINATED,
        subject=agreement,
        actor=user,
        data={
            "given_on": given_on,
            "decision": agreement.termination_decision,
            "forum": agreement.termination_forum,
            "ends": end,
            "deadline_met": deadline_before,
        },
        message=_("Notice given %(day)s; the agreement ends %(end)s.")
        % {"day": given_on.isoformat(), "end": end.isoformat()},
    )
    return agreement


@transaction.atomic
def rate_schedule_create(
    *,
    user: Any,
    provider: Organisation | int,
    name: str,
    base_rate: Decimal,
    valid_from: dt.date,
    rounding: str = "krona",
    index_name: str = "VPI",
) -> RateSchedule:
    """An hourly rate in force from a date, to be indexed each 1 January."""
    provider_obj = _org(user, provider, Cap.AGREEMENT_MANAGE, "provider")
    if Decimal(base_rate) < 0:
        raise ValidationError({"base_rate": _("A price cannot be negative.")})
    schedule = RateSchedule(
        provider=provider_obj,
        name=(name or "").strip(),
        base_rate=base_rate,
        valid_from=valid_from,
        rounding=rounding,
        index_name=(index_name or "VPI").strip(),
    )
    schedule.full_clean()
    schedule.save()
    record_event(
        kind=EventKind.RATE_SCHEDULE_CREATED,
        subject=schedule,
        actor=user,
        data={"base_rate": schedule.base_rate, "valid_from": valid_from, "rounding": rounding},
        message=f"{schedule.name}: {schedule.base_rate} kr/h",
    )
    return schedule


@transaction.atomic
def rate_schedule_set_rounding(*, user: Any, schedule: RateSchedule, rounding: str) -> RateSchedule:
    """Set how each year's indexed rate is rounded (whole kronor or öre); the rates follow at once.

    Issued invoices keep the rate they were issued with; drafts take the new one at the next run.
    """
    scope_for(user).require(Cap.AGREEMENT_MANAGE, schedule.provider_id)
    if rounding not in RateRounding.values:
        raise ValidationError({"rounding": _("Choose whole kronor or öre.")})
    schedule = RateSchedule.objects.select_for_update().get(pk=schedule.pk)
    before = schedule.rounding
    if before == rounding:
        return schedule
    schedule.rounding = rounding
    schedule.full_clean()
    schedule.save(update_fields=["rounding", "updated_at"])
    record_event(
        kind=EventKind.RATE_SCHEDULE_ROUNDING_CHANGED,
        subject=schedule,
        actor=user,
        data={"before": before, "after": rounding},
        message=f"{schedule.name}: {RateRounding(before).label} → {RateRounding(rounding).label}",
    )
    return schedule


@transaction.atomic
def index_figure_enter(
    *,
    user: Any,
    schedule: RateSchedule,
    year: int,
    change_percent: Decimal | str,
    publication_reference: str,
    is_example: bool = False,
) -> IndexFigure:
    """Enter (or correct) the index change that applies from 1 January of `year`."""
    scope_for(user).require(Cap.AGREEMENT_MANAGE, schedule.provider_id)
    try:
        change = Decimal(str(change_percent))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"change_percent": _("The change is a number of percent, e.g. 3.1.")}) from exc
    if not change.is_finite():
        raise ValidationError({"change_percent": _("The change is a number of percent, e.g. 3.1.")})
    first = schedule.valid_from.year + 1
    if year < first:
        raise ValidationError(
            {
                "year": _("The rate of %(base)s is the schedule's base; index figures apply from %(first)s.")
                % {"base": schedule.valid_from.year, "first": first}
            }
        )
    if not (publication_reference or "").strip():
        raise ValidationError(
            {"publication_reference": _("Give the publication the figure comes from (e.g. SKR's circular).")}
        )
    figure = IndexFigure.objects.select_for_update().filter(schedule=schedule, year=year).first()
    previous = None if figure is None else {"change": figure.change_percent, "example": figure.is_example}
    if figure is None:
        figure = IndexFigure(schedule=schedule, year=year)
    figure.change_percent = change
    figure.publication_reference = publication_reference.strip()
    figure.is_example = is_example
    figure.entered_by = user if getattr(user, "pk", None) else None
    figure.full_clean()
    figure.save()
    schedule.refresh_from_db()
    rate = schedule.rate_on(dt.date(year, 1, 1)) if _known_until(schedule, year) else None
    record_event(
        kind=EventKind.INDEX_FIGURE_ENTERED,
        subject=figure,
        actor=user,
        data={
            "schedule": schedule.pk,
            "year": year,
            "change_percent": change,
            "publication": figure.publication_reference,
            "example": is_example,
            "previous": previous,
            "rate": rate,
        },
        message=f"{schedule.index_name} {year}: {change} %",
    )
    return figure


def _known_until(schedule: RateSchedule, year: int) -> bool:
    years = set(schedule.figures.values_list("year", flat=True))
    return all(y in years for y in range(schedule.valid_from.year + 1, year + 1))
