"""Every read of agreements and rates, scoped to the acting user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from medtek.agreements import rules
from medtek.agreements.models import Agreement, AgreementParty, IndexFigure, RateSchedule
from medtek.agreements.querysets import AgreementQuerySet, RateScheduleQuerySet
from medtek.organizations.rules import Cap


def agreement_queryset(*, user: Any, capability: str = Cap.AGREEMENT_VIEW) -> AgreementQuerySet:
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


def rate_schedule_queryset(*, user: Any, capability: str = Cap.AGREEMENT_VIEW) -> RateScheduleQuerySet:
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
