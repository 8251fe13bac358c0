"""Every write to agreements, rate schedules and index figures: validated, atomic, one event each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medtek.agreements import rules
from medtek.agreements.choices import (
    AgreementKind,
    Arena,
    ContactRole,
    EvaluationEvent,
    EventKind,
    NoticeKind,
    NoticeStatus,
    RateRounding,
)
from medtek.agreements.models import (
    Agreement,
    AgreementContact,
    AgreementParty,
    ChangeNotice,
    Evaluation,
    EvaluationAction,
    IndexFigure,
    MonitoredDevice,
    RateSchedule,
)
from medtek.agreements.selectors import acting_party
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
# The fields every agreement is given by name: its reference, title and period.
TERM_FIELDS = ("reference", "title", "valid_from", "valid_until")
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


def _rate_schedule(provider: Organisation, rate_schedule: RateSchedule | int | None) -> RateSchedule | None:
    if rate_schedule is None:
        return None
    schedule_id = rate_schedule.pk if isinstance(rate_schedule, RateSchedule) else rate_schedule
    schedule = RateSchedule.objects.filter(pk=schedule_id, provider=provider).first()
    if schedule is None:
        raise ValidationError({"rate_schedule": _("Unknown rate schedule of this MT provider.")})
    return schedule


def _checked(
    *,
    user: Any,
    agreement: Agreement,
    seller: Organisation | int,
    rate_schedule: RateSchedule | int | None,
    customers: Iterable[tuple[Organisation | int, str]],
    fields: Mapping[str, Any],
) -> list[tuple[Organisation, str]]:
    """The one validation of an agreement, new or changed: apply `fields`, the invoicing party, the rate
    schedule and the customers to `agreement` (not saved) and check them; the customers as parties.

    The invoicing party is the MT provider or its region, prices are not negative, the rate schedule is
    the provider's, every customer is one the user manages agreements for (with its buyer reference,
    listed once), and no customer gets two agreements of a kind in force on one day.
    """
    provider = agreement.provider
    seller_id = seller.pk if isinstance(seller, Organisation) else seller
    seller_obj = Organisation.objects.filter(pk=seller_id).first()
    if seller_obj is None or seller_obj.pk not in {provider.pk, provider.parent_id}:
        raise ValidationError(
            {"seller": _("The invoicing party is the MT provider or the region it is part of.")}
        )
    unknown = set(fields) - set(AGREEMENT_FIELDS) - set(TERM_FIELDS)
    if unknown:
        raise ValidationError({f: _("Unknown field.") for f in sorted(unknown)})
    _price(fields)
    schedule = _rate_schedule(provider, rate_schedule)
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
    agreement.seller = seller_obj
    agreement.rate_schedule = schedule
    for name, value in fields.items():
        if name in ("reference", "title"):
            value = (value or "").strip()
        setattr(agreement, name, value)
    agreement.full_clean()
    check_no_overlap(candidate=agreement, customers=[o for o, _r in parties])
    return parties


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
    agreement = Agreement(provider=provider_obj)
    parties = _checked(
        user=user,
        agreement=agreement,
        seller=seller,
        rate_schedule=rate_schedule,
        customers=customers,
        fields={
            "reference": reference,
            "title": title,
            "valid_from": valid_from,
            "valid_until": valid_until,
            **fields,
        },
    )
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


# What an agreement's own page and PATCH may not change: whose agreement it is and what kind (another
# provider or kind is another agreement), and what has a service of its own (termination, the monitoring
# agreement's supplier, the advice limit).
FIXED_FIELDS = (
    "provider",
    "kind",
    "terminated_on",
    "termination_decision",
    "termination_forum",
    "external_supplier",
    "advice_hours_limit",
)


def terminated_refusal(agreement: Agreement) -> str:
    """Why a terminated agreement is not changed (its page says so too)."""
    return _(
        "%(reference)s was terminated on %(day)s (%(decision)s) and can no longer be changed; "
        "record a new agreement for what follows."
    ) % {
        "reference": agreement.reference,
        "day": agreement.terminated_on.isoformat() if agreement.terminated_on else "",
        "decision": agreement.termination_decision,
    }


def _invoiced_days(agreement: Agreement) -> list[tuple[int, dt.date, dt.date]]:
    """(customer, first, last day) of every period the agreement has invoiced, within its validity."""
    days = []
    for customer_id, start, end in agreement.invoices.filter(kind="invoice").values_list(
        "customer_id", "period_start", "period_end"
    ):
        first = max(start, agreement.valid_from)
        last = min(end, agreement.end_on(end))
        if first <= last:
            days.append((customer_id, first, last))
    return days


def _keeps_invoiced_periods(
    *,
    invoiced: list[tuple[int, dt.date, dt.date]],
    agreement: Agreement,
    customer_ids: set[int],
) -> None:
    """An invoiced period stays under the agreement: its customer stays a party, its days in force."""
    for customer_id, first, last in sorted(invoiced, key=lambda row: row[1]):
        if customer_id not in customer_ids:
            name = Organisation.objects.get(pk=customer_id).name
            raise ValidationError(
                {
                    "customers": _(
                        "%(customer)s has been invoiced under this agreement (%(first)s – %(last)s) "
                        "and stays a party to it."
                    )
                    % {"customer": name, "first": first.isoformat(), "last": last.isoformat()}
                }
            )
        if agreement.valid_from > first:
            raise ValidationError(
                {
                    "valid_from": _(
                        "The agreement has been invoiced from %(day)s: it cannot start later than that."
                    )
                    % {"day": first.isoformat()}
                }
            )
        if rules.end_on(agreement.terms, last) < last:
            raise ValidationError(
                {
                    "valid_until": _(
                        "The agreement has been invoiced until %(day)s: it cannot end before that."
                    )
                    % {"day": last.isoformat()}
                }
            )


def _keeps_covered_devices(*, agreement: Agreement, customer_ids: set[int]) -> None:
    """A monitoring agreement covers its customers' devices only: a customer whose devices it covers
    stays a party until the covered devices are changed."""
    owner_id = (
        agreement.monitored_devices.exclude(device__owner_id__in=customer_ids)
        .values_list("device__owner_id", flat=True)
        .first()
    )
    if owner_id is not None:
        raise ValidationError(
            {
                "customers": _(
                    "This monitoring agreement covers devices of %(customer)s: remove them from the "
                    "covered devices first, or keep %(customer)s a party."
                )
                % {"customer": Organisation.objects.get(pk=owner_id).name}
            }
        )


def _before_after(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    changed = [name for name in after if before.get(name) != after[name]]
    return {n: before.get(n) for n in changed}, {n: after[n] for n in changed}


def _labels(names: Iterable[str]) -> str:
    """The changed fields as a history names them ("customers" is the parties)."""
    labels = {f.name: f.verbose_name for f in Agreement._meta.fields}
    return ", ".join(str(labels.get(name, _("customers"))) for name in names)


def _recorded(agreement: Agreement) -> dict[str, Any]:
    """The agreement's changeable values as its events record them."""
    values = {name: getattr(agreement, name) for name in (*TERM_FIELDS, *AGREEMENT_FIELDS)}
    values["seller"] = agreement.seller_id
    values["rate_schedule"] = agreement.rate_schedule_id
    values["customers"] = sorted([p.customer_id, p.buyer_reference] for p in agreement.parties.all())
    return values


@transaction.atomic
def agreement_update(*, user: Any, agreement: Agreement, **changes: Any) -> Agreement:
    """Change an agreement's terms, parties or invoicing; validated as a new agreement is.

    `changes` are any of the fields of `agreement_create` (`seller`, `rate_schedule`, `customers` as
    [(customer, buyer reference), ...]) but its provider and kind. A terminated agreement is not changed;
    an invoiced period stays within the agreement and its customer a party, as does a customer whose
    devices a monitoring agreement covers. One event records what changed, before and after; a refusal
    writes nothing.
    """
    scope_for(user).require(Cap.AGREEMENT_MANAGE, agreement.provider_id)
    agreement = (
        Agreement.objects.select_for_update(of=("self",)).select_related("provider").get(pk=agreement.pk)
    )
    if agreement.terminated_on is not None:
        raise ValidationError(terminated_refusal(agreement), code="terminated")
    fixed = sorted(set(changes) & set(FIXED_FIELDS))
    if fixed:
        raise ValidationError({f: _("This cannot be changed on an agreement.") for f in fixed})
    before = _recorded(agreement)
    invoiced = _invoiced_days(agreement)
    seller = changes.pop("seller", agreement.seller_id)
    rate_schedule = changes.pop("rate_schedule", agreement.rate_schedule_id)
    customers = changes.pop("customers", None)
    if customers is None:
        customers = [(c, ref) for c, ref in before["customers"]]
    parties = _checked(
        user=user,
        agreement=agreement,
        seller=seller,
        rate_schedule=rate_schedule,
        customers=customers,
        fields=changes,
    )
    customer_ids = {o.pk for o, _r in parties}
    _keeps_invoiced_periods(invoiced=invoiced, agreement=agreement, customer_ids=customer_ids)
    _keeps_covered_devices(agreement=agreement, customer_ids=customer_ids)
    after = {
        **{name: getattr(agreement, name) for name in (*TERM_FIELDS, *AGREEMENT_FIELDS)},
        "seller": agreement.seller_id,
        "rate_schedule": agreement.rate_schedule_id,
        "customers": sorted([o.pk, ref] for o, ref in parties),
    }
    old, new = _before_after(before, after)
    if not new:
        return agreement
    agreement.save()
    if "customers" in new:
        wanted = {o.pk: ref for o, ref in parties}
        agreement.parties.exclude(customer_id__in=wanted).delete()
        existing = {p.customer_id: p for p in agreement.parties.all()}
        for customer_id, ref in wanted.items():
            party = existing.get(customer_id)
            if party is None:
                AgreementParty.objects.create(
                    agreement=agreement, customer_id=customer_id, buyer_reference=ref
                )
            elif party.buyer_reference != ref:
                party.buyer_reference = ref
                party.save(update_fields=["buyer_reference", "updated_at"])
    record_event(
        kind=EventKind.AGREEMENT_UPDATED,
        subject=agreement,
        actor=user,
        data={"before": old, "after": new},
        message=_("%(reference)s changed: %(fields)s")
        % {"reference": agreement.reference, "fields": _labels(new)},
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


@transaction.atomic
def monitoring_coverage_set(
    *, user: Any, agreement: Agreement, supplier: Organisation | int, device_ids: Iterable[int]
) -> Agreement:
    """Name a monitoring agreement's external supplier and the devices it covers (J15).

    Every device must belong to a customer party of the agreement; otherwise nothing is written.
    """
    scope_for(user).require(Cap.AGREEMENT_MANAGE, agreement.provider_id)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.kind != AgreementKind.MONITORING:
        raise ValidationError(
            {
                "devices": _(
                    "Only a monitoring agreement covers named devices; %(ref)s is an MT-support agreement."
                )
                % {"ref": agreement.reference}
            }
        )
    supplier_id = supplier.pk if isinstance(supplier, Organisation) else supplier
    supplier_obj = Organisation.objects.filter(pk=supplier_id).first()
    if supplier_obj is None:
        raise ValidationError({"supplier": _("Name the external supplier that maintains the equipment.")})
    if supplier_obj.pk == agreement.provider_id:
        raise ValidationError({"supplier": _("The external supplier is another party than MT itself.")})
    wanted = sorted({int(d) for d in device_ids})
    if not wanted:
        raise ValidationError({"devices": _("A monitoring agreement covers at least one device.")})
    device_model = MonitoredDevice._meta.get_field("device").related_model
    devices: dict[int, Any] = {
        d.pk: d
        for d in device_model._default_manager.filter(pk__in=wanted)  # type: ignore[union-attr]
    }
    missing = [d for d in wanted if d not in devices]
    if missing:
        raise ValidationError(
            {"devices": _("Unknown device: %(ids)s.") % {"ids": ", ".join(map(str, missing))}}
        )
    customers = set(agreement.parties.values_list("customer_id", flat=True))
    foreign = [devices[d] for d in wanted if devices[d].owner_id not in customers]
    if foreign:
        raise ValidationError(
            {
                "devices": _(
                    "%(device)s belongs to %(owner)s, which is not a party to %(ref)s: "
                    "a monitoring agreement covers only its customers' devices."
                )
                % {"device": foreign[0], "owner": foreign[0].owner, "ref": agreement.reference}
            }
        )
    before = sorted(agreement.monitored_devices.values_list("device_id", flat=True))
    agreement.external_supplier = supplier_obj
    agreement.full_clean()
    agreement.save(update_fields=["external_supplier", "updated_at"])
    agreement.monitored_devices.exclude(device_id__in=wanted).delete()
    MonitoredDevice.objects.bulk_create(
        [MonitoredDevice(agreement=agreement, device_id=d) for d in wanted if d not in before]
    )
    record_event(
        kind=EventKind.MONITORING_COVERAGE_SET,
        subject=agreement,
        actor=user,
        data={"supplier": supplier_obj.pk, "devices": wanted, "before": before},
        message=_("%(supplier)s maintains %(n)s devices under %(ref)s")
        % {"supplier": supplier_obj.name, "n": len(wanted), "ref": agreement.reference},
    )
    return agreement


# Why a user who sees an agreement may not take part in it (MT's auditor or finance, for instance):
# the 403 answer's detail, given before any of the request's input is looked at.
CONTACTS_REFUSED = gettext_lazy("You may name contacts only for your own party.")
NOTICE_REFUSED = gettext_lazy("Only a party to the agreement records a notice.")
ACKNOWLEDGE_REFUSED = gettext_lazy("Only a party to the agreement acknowledges its notices.")
EVALUATION_REFUSED = gettext_lazy("Only a party to the agreement takes part in its evaluation.")


def party_required(
    *, user: Any, agreement: Agreement, refusal: Any, prefer: int | None = None
) -> Organisation:
    """The party the user acts for on the agreement, or PermissionDenied (403) with `refusal`."""
    me = acting_party(user=user, agreement=agreement, prefer=prefer)
    if me is None:
        raise PermissionDenied(str(refusal))
    return me


def _party_ids(agreement: Agreement) -> set[int]:
    return {agreement.provider_id, *agreement.parties.values_list("customer_id", flat=True)}


@transaction.atomic
def agreement_contact_add(
    *,
    user: Any,
    agreement: Agreement,
    organisation: Organisation | int,
    role: str,
    contact_user: Any = None,
    name: str = "",
    email: str = "",
) -> AgreementContact:
    """Name a party's contact for the agreement; MT names anyone's, a customer its own."""
    me = party_required(user=user, agreement=agreement, refusal=CONTACTS_REFUSED)
    org_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    if org_id not in _party_ids(agreement):
        raise ValidationError({"organisation": _("The contact belongs to a party of the agreement.")})
    if me.pk != agreement.provider_id and me.pk != org_id:
        raise PermissionDenied(str(CONTACTS_REFUSED))
    if role not in ContactRole.values:
        raise ValidationError({"role": _("Choose the contact's role in the agreement.")})
    if contact_user is not None and not scope_for(contact_user).can(Cap.VIEW, org_id):
        raise ValidationError({"contact_user": _("That user is not a member of the party.")})
    contact = AgreementContact(
        agreement=agreement,
        organisation_id=org_id,
        role=role,
        user=contact_user,
        name=(name or "").strip(),
        email=(email or "").strip(),
    )
    contact.full_clean()
    contact.save()
    record_event(
        kind=EventKind.CONTACT_ADDED,
        subject=agreement,
        actor=user,
        data={"contact": contact.pk, "organisation": org_id, "role": role},
        message=str(contact),
    )
    return contact


@transaction.atomic
def agreement_contact_remove(*, user: Any, contact: AgreementContact) -> None:
    """Remove a contact; the same parties that may name it may remove it."""
    agreement = contact.agreement
    me = party_required(user=user, agreement=agreement, refusal=CONTACTS_REFUSED)
    if me.pk != agreement.provider_id and me.pk != contact.organisation_id:
        raise PermissionDenied(str(CONTACTS_REFUSED))
    label = str(contact)
    pk = contact.pk
    contact.delete()
    record_event(
        kind=EventKind.CONTACT_REMOVED,
        subject=agreement,
        actor=user,
        data={"contact": pk},
        message=label,
    )


@transaction.atomic
def change_notice_record(
    *,
    user: Any,
    agreement: Agreement,
    kind: str,
    description: str,
    effective_on: dt.date | None = None,
    to_party: Organisation | int | None = None,
) -> ChangeNotice:
    """A party tells the other of changed local conditions or needs (J23): a new or closed care unit, ...

    A customer's notice goes to MT; MT's goes to the customer named (the only one when there is one).
    """
    me = party_required(user=user, agreement=agreement, refusal=NOTICE_REFUSED)
    if kind not in NoticeKind.values:
        raise ValidationError({"kind": _("Choose the kind of change.")})
    if not (description or "").strip():
        raise ValidationError({"description": _("Describe the change and what it means for the work.")})
    customers = list(agreement.parties.values_list("customer_id", flat=True))
    to_id: int | None
    if me.pk != agreement.provider_id:
        to_id = agreement.provider_id
    else:
        to_id = to_party.pk if isinstance(to_party, Organisation) else to_party
        if to_id is None and len(customers) == 1:
            to_id = customers[0]
        if to_id not in customers:
            raise ValidationError({"to_party": _("Choose the customer the notice is addressed to.")})
    notice = ChangeNotice(
        agreement=agreement,
        from_party=me,
        to_party_id=to_id,
        kind=kind,
        description=description.strip(),
        effective_on=effective_on,
        recorded_by=user,
    )
    notice.full_clean()
    notice.save()
    record_event(
        kind=EventKind.NOTICE_RECORDED,
        subject=agreement,
        actor=user,
        data={"notice": notice.pk, "kind": kind, "from": me.pk, "to": to_id, "effective_on": effective_on},
        message=f"{notice.get_kind_display()}: {notice.description[:120]}",
    )
    return notice


@transaction.atomic
def change_notice_acknowledge(*, user: Any, notice: ChangeNotice, response: str = "") -> ChangeNotice:
    """The addressed party acknowledges a notice; the party that sent it cannot."""
    notice = ChangeNotice.objects.select_for_update().select_related("agreement").get(pk=notice.pk)
    me = party_required(
        user=user, agreement=notice.agreement, refusal=ACKNOWLEDGE_REFUSED, prefer=notice.to_party_id
    )
    if me.pk != notice.to_party_id:
        raise ValidationError(
            {
                "notice": _("Only %(party)s, to whom the notice is addressed, acknowledges it.")
                % {"party": notice.to_party}
            }
        )
    if notice.status == NoticeStatus.ACKNOWLEDGED:
        raise ValidationError({"notice": _("The notice was already acknowledged.")})
    notice.status = NoticeStatus.ACKNOWLEDGED
    notice.acknowledged_by = user
    notice.acknowledged_at = timezone.now()
    notice.response = (response or "").strip()
    notice.full_clean()
    notice.save()
    record_event(
        kind=EventKind.NOTICE_ACKNOWLEDGED,
        subject=notice.agreement,
        actor=user,
        data={"notice": notice.pk, "response": notice.response},
        message=f"{notice.get_kind_display()}: {_('Acknowledged')}",
    )
    return notice


def _evaluation_party(user: Any, evaluation: Evaluation) -> Organisation:
    return party_required(user=user, agreement=evaluation.agreement, refusal=EVALUATION_REFUSED)


@transaction.atomic
def evaluation_start(
    *,
    user: Any,
    agreement: Agreement,
    year: int | None = None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
) -> Evaluation:
    """Start the joint evaluation of a year (or a chosen period) of the agreement (J24); MT starts it."""
    scope_for(user).require(Cap.AGREEMENT_MANAGE, agreement.provider_id)
    if year is not None:
        period_start, period_end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if period_start is None or period_end is None:
        raise ValidationError({"year": _("Choose the year or the period to evaluate.")})
    evaluation = Evaluation(
        agreement=agreement, period_start=period_start, period_end=period_end, started_by=user
    )
    evaluation.full_clean()
    evaluation.save()
    record_event(
        kind=EvaluationEvent.STARTED,
        subject=agreement,
        actor=user,
        data={"evaluation": evaluation.pk, "from": period_start, "until": period_end},
        message=str(evaluation),
    )
    return evaluation


@transaction.atomic
def evaluation_update(
    *,
    user: Any,
    evaluation: Evaluation,
    mt_assessment: str | None = None,
    customer_assessment: str | None = None,
    conclusions: str | None = None,
) -> Evaluation:
    """The parties' assessments and the joint conclusions; each party writes its own assessment."""
    me = _evaluation_party(user, evaluation)
    is_mt = me.pk == evaluation.agreement.provider_id
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if is_mt and customer_assessment is not None and customer_assessment != evaluation.customer_assessment:
        raise ValidationError({"customer_assessment": _("The customers write their own assessment.")})
    if not is_mt and mt_assessment is not None and mt_assessment != evaluation.mt_assessment:
        raise ValidationError({"mt_assessment": _("MT writes its own assessment.")})
    changed = {}
    for field, value in (
        ("mt_assessment", mt_assessment),
        ("customer_assessment", customer_assessment),
        ("conclusions", conclusions),
    ):
        if value is not None and value.strip() != getattr(evaluation, field):
            setattr(evaluation, field, value.strip())
            changed[field] = value.strip()
    if not changed:
        return evaluation
    evaluation.full_clean()
    evaluation.save()
    record_event(
        kind=EvaluationEvent.UPDATED,
        subject=evaluation.agreement,
        actor=user,
        data={"evaluation": evaluation.pk, **changed},
        message=str(evaluation),
    )
    return evaluation


@transaction.atomic
def evaluation_action_add(
    *,
    user: Any,
    evaluation: Evaluation,
    description: str,
    owner_party: Organisation | int | None,
    owner_name: str,
    due_on: dt.date | None,
) -> EvaluationAction:
    """An agreed action with its owner (a party and a person) and the date it is to be done by."""
    _evaluation_party(user, evaluation)
    errors: dict[str, str] = {}
    if not (description or "").strip():
        errors["description"] = _("Describe the action.")
    party_id = owner_party.pk if isinstance(owner_party, Organisation) else owner_party
    if party_id not in _party_ids(evaluation.agreement) or not (owner_name or "").strip():
        errors["owner_name"] = _("An action needs an owner: the party and the person responsible.")
    if due_on is None:
        errors["due_on"] = _("An action needs the date it is to be done by.")
    if errors or party_id is None or due_on is None:
        raise ValidationError(errors)
    action = EvaluationAction(
        evaluation=evaluation,
        description=description.strip(),
        owner_party_id=party_id,
        owner_name=owner_name.strip(),
        due_on=due_on,
    )
    action.full_clean()
    action.save()
    record_event(
        kind=EvaluationEvent.ACTION_ADDED,
        subject=evaluation.agreement,
        actor=user,
        data={"evaluation": evaluation.pk, "action": action.pk, "owner": owner_name, "due_on": due_on},
        message=action.description[:120],
    )
    return action


@transaction.atomic
def evaluation_action_done(
    *, user: Any, action: EvaluationAction, done_on: dt.date | None = None
) -> EvaluationAction:
    """Mark an agreed action done."""
    _evaluation_party(user, action.evaluation)
    action = EvaluationAction.objects.select_for_update().get(pk=action.pk)
    if action.done_on is not None:
        raise ValidationError(
            {"done_on": _("The action was already done on %(day)s.") % {"day": action.done_on}}
        )
    action.done_on = done_on or timezone.localdate()
    action.full_clean()
    action.save()
    record_event(
        kind=EvaluationEvent.ACTION_DONE,
        subject=action.evaluation.agreement,
        actor=user,
        data={"action": action.pk, "done_on": action.done_on},
        message=action.description[:120],
    )
    return action


@transaction.atomic
def evaluation_report(
    *, user: Any, evaluation: Evaluation, arenas: Iterable[str], reported_on: dt.date | None = None
) -> Evaluation:
    """Record that the evaluation's report went to the arenas (J25) and on which day."""
    scope_for(user).require(Cap.AGREEMENT_MANAGE, evaluation.agreement.provider_id)
    chosen = [a for a in Arena.values if a in set(arenas)]
    unknown = set(arenas) - set(Arena.values)
    if unknown or not chosen:
        raise ValidationError({"arenas": _("Choose the arenas the report goes to.")})
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if not evaluation.conclusions.strip():
        raise ValidationError(
            {"conclusions": _("Write the conclusions before the report goes to the arenas.")}
        )
    evaluation.reported_on = reported_on or timezone.localdate()
    evaluation.reported_to = chosen
    evaluation.reported_by = user
    evaluation.full_clean()
    evaluation.save()
    record_event(
        kind=EvaluationEvent.REPORTED,
        subject=evaluation.agreement,
        actor=user,
        data={"evaluation": evaluation.pk, "arenas": chosen, "reported_on": evaluation.reported_on},
        message=", ".join(str(Arena(a).label) for a in chosen),
    )
    return evaluation


@transaction.atomic
def agreement_set_advice_limit(*, user: Any, agreement: Agreement, hours: Decimal | str | None) -> Agreement:
    """Set the advice hours per customer and year the agreement allows (J13); None removes the limit."""
    scope_for(user).require(Cap.AGREEMENT_MANAGE, agreement.provider_id)
    limit: Decimal | None = None
    if hours is not None and str(hours).strip() != "":
        try:
            limit = Decimal(str(hours))
        except (InvalidOperation, ValueError) as exc:
            raise ValidationError({"advice_hours_limit": _("The limit is a number of hours.")}) from exc
        if not limit.is_finite():
            raise ValidationError({"advice_hours_limit": _("The limit is a number of hours.")})
        if limit < 0:
            raise ValidationError({"advice_hours_limit": _("An advice limit cannot be below zero hours.")})
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    before = agreement.advice_hours_limit
    agreement.advice_hours_limit = limit
    agreement.full_clean()
    agreement.save(update_fields=["advice_hours_limit", "updated_at"])
    record_event(
        kind=EventKind.AGREEMENT_UPDATED,
        subject=agreement,
        actor=user,
        data={"advice_hours_limit": limit, "before": before},
        message=_("Advice limit: %(hours)s h per customer and year")
        % {"hours": limit if limit is not None else "—"},
    )
    return agreement
