"""Every read of agreements and rates, scoped to the acting user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from medtek.agreements import rules
from medtek.agreements.choices import AgreementKind
from medtek.agreements.models import (
    Agreement,
    AgreementContact,
    AgreementParty,
    ChangeNotice,
    Evaluation,
    EvaluationAction,
    IndexFigure,
    RateSchedule,
)
from medtek.agreements.querysets import ProviderOrPartyQuerySet
from medtek.organizations.models import Organisation
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for


def agreement_queryset(*, user: Any, capability: str = Cap.AGREEMENT_VIEW) -> ProviderOrPartyQuerySet:
    return (
        Agreement.objects.visible_to(user, capability)
        .select_related("provider", "seller", "rate_schedule")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=AgreementParty.objects.select_related("customer").order_by("customer__name"),
            )
        )
    )


def agreement_list(*, user: Any) -> list[Agreement]:
    return list(agreement_queryset(user=user).order_by("-valid_from", "reference"))


def agreement_get(*, user: Any, pk: int, capability: str = Cap.AGREEMENT_VIEW) -> Agreement:
    return agreement_queryset(user=user, capability=capability).get_visible(user, capability, pk=pk)


@dataclass(frozen=True)
class Deadline:
    agreement: Agreement
    deadline: dt.date
    end: dt.date
    days_left: int


def agreement_deadlines(*, user: Any, within_days: int, today: dt.date | None = None) -> list[Deadline]:
    """Agreements whose next notice deadline falls between today and `within_days` from now."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=within_days)
    rows: list[Deadline] = []
    qs = agreement_queryset(user=user).filter(auto_extend=True, valid_from__lte=horizon)
    for agreement in qs:
        deadline = agreement.notice_deadline_on(today)
        if deadline is not None and today <= deadline <= horizon:
            rows.append(Deadline(agreement, deadline, agreement.end_on(today), (deadline - today).days))
    rows.sort(key=lambda d: (d.deadline, d.agreement.reference))
    return rows


def rate_schedule_queryset(*, user: Any, capability: str = Cap.AGREEMENT_VIEW) -> ProviderOrPartyQuerySet:
    return (
        RateSchedule.objects.visible_to(user, capability)
        .select_related("provider")
        .prefetch_related(Prefetch("figures", queryset=IndexFigure.objects.order_by("year")))
    )


def rate_schedule_list(*, user: Any) -> list[RateSchedule]:
    return list(rate_schedule_queryset(user=user).order_by("name"))


def rate_schedule_get(*, user: Any, pk: int, capability: str = Cap.AGREEMENT_VIEW) -> RateSchedule:
    return rate_schedule_queryset(user=user, capability=capability).get_visible(user, capability, pk=pk)


def rate_table(*, schedule: RateSchedule, until_year: int | None = None) -> list[dict[str, Any]]:
    """The rate for each year from the schedule's start, with the figure behind it (None: missing)."""
    figures = {f.year: f for f in schedule.figures.all()}
    until = max([until_year or timezone.localdate().year, *figures.keys(), schedule.valid_from.year])
    table = rules.rate_table(
        base_rate=schedule.base_rate,
        valid_from=schedule.valid_from,
        figures={y: f.change_percent for y, f in figures.items()},
        rounding=schedule.rounding,
        until_year=until,
    )
    return [{"year": y, "from": d, "rate": r, "figure": figures.get(y)} for y, d, r in table]


def rate_on(*, schedule: RateSchedule, day: dt.date) -> Decimal:
    return schedule.rate_on(day)


def acting_party(*, user: Any, agreement: Agreement, prefer: int | None = None) -> Organisation | None:
    """The party the user acts for on this agreement: MT (the provider) when it may manage agreements,
    else a customer party the user is itself a member of with a role that acts for it (a contact);
    None when it is no party. `prefer` is tried first.

    MT's auditors and finance see every customer's agreement through their department, but they never
    act for a customer: only the customer's own people do."""
    scope = scope_for(user)
    candidates: list[int] = [agreement.provider_id, *(p.customer_id for p in agreement.parties.all())]
    if prefer is not None:
        candidates.sort(key=lambda org_id: org_id != prefer)
    for org_id in candidates:
        if org_id == agreement.provider_id:
            if scope.can(Cap.AGREEMENT_MANAGE, org_id):
                return Organisation.objects.get(pk=org_id)
        elif scope.is_superuser or (org_id in scope.home_org_ids and scope.can(Cap.WORK_REPORT, org_id)):
            return Organisation.objects.get(pk=org_id)
    return None


def agreement_contacts(agreement: Agreement) -> list[AgreementContact]:
    """The parties' named contacts: who receives what concerns the agreement (MT's first)."""
    contacts = list(
        AgreementContact.objects.filter(agreement=agreement).select_related("organisation", "user")
    )
    contacts.sort(key=lambda c: (c.organisation_id != agreement.provider_id, c.organisation.name, c.role))
    return contacts


def change_notices(*, user: Any, agreement: Agreement) -> list[ChangeNotice]:
    """The agreement's change notices, newest first (the agreement was looked up in the user's scope)."""
    agreement_get(user=user, pk=agreement.pk)
    return list(
        ChangeNotice.objects.filter(agreement=agreement).select_related(
            "from_party", "to_party", "recorded_by", "acknowledged_by"
        )
    )


def change_notice_get(*, user: Any, agreement: Agreement, pk: int) -> ChangeNotice:
    agreement_get(user=user, pk=agreement.pk)
    return get_object_or_404(
        ChangeNotice.objects.select_related("agreement", "to_party"), agreement=agreement, pk=pk
    )


def monitored_device_ids(*, agreement: Agreement) -> list[int]:
    return list(agreement.monitored_devices.order_by("device_id").values_list("device_id", flat=True))


def monitoring_agreements_for_device(*, user: Any, device_id: int) -> list[Agreement]:
    """The monitoring agreements (J15) the user may see that cover the device, each with its external
    supplier: one query, however many agreements. The caller (the device's page) has looked the device
    up in the user's register scope."""
    return list(
        Agreement.objects.visible_to(user, Cap.AGREEMENT_VIEW)
        .filter(kind=AgreementKind.MONITORING, monitored_devices__device_id=device_id)
        .select_related("external_supplier")
        .order_by("-valid_from", "reference")
    )


def evaluation_list(*, user: Any, agreement: Agreement) -> list[Evaluation]:
    agreement_get(user=user, pk=agreement.pk)
    return list(Evaluation.objects.filter(agreement=agreement).prefetch_related("actions"))


def evaluation_get(*, user: Any, pk: int, capability: str = Cap.AGREEMENT_VIEW) -> Evaluation:
    """One evaluation of an agreement the user is a party to, or 404; one the user sees but may not
    act on with `capability` is 403 with the reason (the agreement's `get_visible`)."""
    visible = Agreement.objects.visible_to(user, Cap.AGREEMENT_VIEW).values("pk")
    try:
        evaluation = (
            Evaluation.objects.select_related("agreement", "agreement__provider", "started_by", "reported_by")
            .prefetch_related(
                Prefetch("actions", queryset=EvaluationAction.objects.select_related("owner_party")),
                Prefetch(
                    "agreement__parties",
                    queryset=AgreementParty.objects.select_related("customer").order_by("customer__name"),
                ),
            )
            .get(pk=pk, agreement__in=visible)
        )
    except (Evaluation.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No evaluation matches the given query.") from exc
    if capability != Cap.AGREEMENT_VIEW:
        Agreement.objects.get_visible(user, capability, pk=evaluation.agreement_id)
    return evaluation


def evaluation_action_get(*, user: Any, evaluation: Evaluation, pk: int) -> EvaluationAction:
    try:
        return EvaluationAction.objects.select_related("evaluation__agreement").get(
            pk=pk, evaluation=evaluation
        )
    except (EvaluationAction.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No action matches the given query.") from exc
