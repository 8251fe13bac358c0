"""Notifications found by scheduled checks: CM targets, notice deadlines, the VPI figure, overdue PM."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from medtek.agreements.models import Agreement, RateSchedule
from medtek.inventory.models import Device
from medtek.maintenance import rules as work_rules
from medtek.maintenance.models import WorkOrder
from medtek.notifications import rules
from medtek.notifications.choices import Kind
from medtek.notifications.recipients import customer_contacts, members, mt_admins
from medtek.notifications.services import Cause, notify, notify_many
from medtek.organizations.choices import Role
from medtek.organizations.rules import Cap


def _left_and_whole(due: str, now: dt.datetime) -> dict[str, ExpressionWrapper]:
    return {
        f"{due}_left4": ExpressionWrapper((F(due) - Value(now)) * 4, output_field=DurationField()),
        f"{due}_whole": ExpressionWrapper(F(due) - F("reported_at"), output_field=DurationField()),
    }


def sla_targets_at_risk(now: dt.datetime) -> list[dict[str, Any]]:
    """Open CM targets (response not yet accepted, resolution not yet done) at 75 % of their time or past.

    One query: 4 × (due − now) ≤ (due − reported) holds from 75 % of the time on, breaches included.
    """
    qs = (
        WorkOrder.objects.filter(status__in=work_rules.OPEN_STATUSES, priority__isnull=False)
        .annotate(**_left_and_whole("response_due_at", now), **_left_and_whole("resolution_due_at", now))
        .filter(
            Q(accepted_at__isnull=True, response_due_at_left4__lte=F("response_due_at_whole"))
            | Q(resolution_due_at_left4__lte=F("resolution_due_at_whole"))
        )
        .values("pk", "number", "title", "reported_at", "accepted_at", "response_due_at", "resolution_due_at")
    )
    found = []
    for row in qs:
        for target in ("response", "resolution"):
            due = row[f"{target}_due_at"]
            if due is None or (target == "response" and row["accepted_at"] is not None):
                continue
            if 4 * (due - now) <= due - row["reported_at"]:
                found.append({**row, "target": target, "due": due, "breached": due <= now})
    return found


def check_sla(*, now: dt.datetime | None = None) -> int:
    """Tell MT admin of every CM target at 75 % of its time, and again when it is breached.

    A fixed number of queries whatever the number of work orders (`notify_many`)."""
    now = now or timezone.now()
    rows = sla_targets_at_risk(now)
    orders = WorkOrder.objects.in_bulk([r["pk"] for r in rows])

    def compose(row: dict[str, Any]) -> tuple[str, list[str]]:
        target = (
            pgettext("cm target", "response")
            if row["target"] == "response"
            else pgettext("cm target", "resolution")
        )
        due = timezone.localtime(row["due"]).strftime("%Y-%m-%d %H:%M")
        if row["breached"]:
            subject = _("Breached %(target)s target: %(number)s %(title)s")
        else:
            subject = _("75 %% of the %(target)s target: %(number)s %(title)s")
        return (
            subject % {"target": target, "number": row["number"], "title": row["title"]},
            [_("Target: %(due)s") % {"due": due}],
        )

    admins = list(mt_admins())
    written = 0
    for breached in (False, True):
        stage = "breached" if breached else "at_risk"
        written += notify_many(
            kind=Kind.SLA_BREACHED if breached else Kind.SLA_AT_RISK,
            recipients=admins,
            causes=[
                Cause(
                    key=f"wo:{row['pk']}:{row['target']}:{stage}",
                    compose=partial(compose, row),
                    obj=orders[row["pk"]],
                    path=partial(reverse, "maintenance:work_order_detail", args=[row["pk"]]),
                )
                for row in rows
                if row["breached"] is breached
            ],
            capability=Cap.WORK_MANAGE,
        )
    return written


def check_notice_deadlines(*, today: dt.date | None = None) -> int:
    """Remind both parties of an agreement of its notice deadline 90, 30 and 7 days ahead."""
    today = today or timezone.localdate()
    written = 0
    for agreement in Agreement.objects.filter(terminated_on__isnull=True).prefetch_related("parties"):
        deadline = agreement.notice_deadline_on(today)
        if deadline is None:
            continue
        days = rules.notice_reminder_due(deadline, today)
        if days is None:
            continue
        parties = [p.customer_id for p in agreement.parties.all()]
        recipients = [
            *members(roles=[Role.MT_ADMIN], organisation_ids=[agreement.provider_id]),
            *customer_contacts(parties),
        ]

        def compose(agreement: Agreement = agreement, deadline: dt.date = deadline) -> tuple[str, list[str]]:
            return (
                _("Notice deadline %(deadline)s: %(title)s")
                % {"deadline": deadline.isoformat(), "title": agreement.title},
                [
                    _("The last day to give notice of %(reference)s is %(deadline)s (%(days)s days left).")
                    % {
                        "reference": agreement.reference,
                        "deadline": deadline.isoformat(),
                        "days": (deadline - today).days,
                    },
                    _("Without notice it is extended to %(end)s.")
                    % {"end": _end_without_notice(agreement, deadline).isoformat()},
                ],
            )

        written += notify(
            kind=Kind.NOTICE_DEADLINE,
            recipients=recipients,
            cause_key=f"agreement:{agreement.pk}:notice:{deadline.isoformat()}:{days}",
            obj=agreement,
            capability=Cap.AGREEMENT_VIEW,
            path=reverse("agreements:agreement_detail", args=[agreement.pk]),
            compose=compose,
        )
    return written


def _end_without_notice(agreement: Agreement, deadline: dt.date) -> dt.date:
    """Where the agreement ends if the deadline passes without notice."""
    return agreement.end_on(deadline + dt.timedelta(days=1))


def check_index_figure(*, today: dt.date | None = None) -> int:
    """Each December, remind MT admin weekly that next year's VPI figure is missing, until entered."""
    today = today or timezone.localdate()
    if not rules.vpi_reminder_due(today):
        return 0
    year = today.year + 1
    written = 0
    week = today.isocalendar().week
    for schedule in RateSchedule.objects.exclude(figures__year=year):

        def compose(schedule: RateSchedule = schedule) -> tuple[str, list[str]]:
            return (
                _("VPI for %(year)s is missing: %(schedule)s") % {"year": year, "schedule": schedule.name},
                [
                    _(
                        "Enter next year's VPI figure (SKR) so that the hourly rate "
                        "from 1 January %(year)s is right."
                    )
                    % {"year": year}
                ],
            )

        written += notify(
            kind=Kind.INDEX_MISSING,
            recipients=members(roles=[Role.MT_ADMIN], organisation_ids=[schedule.provider_id]),
            cause_key=f"index:{schedule.pk}:{year}:w{week}",
            obj=schedule,
            capability=Cap.AGREEMENT_MANAGE,
            path=reverse("agreements:rate_schedule_detail", args=[schedule.pk]),
            compose=compose,
        )
    return written


def check_pm_overdue(*, today: dt.date | None = None) -> int:
    """Weekly: tell each MT admin how many devices are overdue for PM, per customer they serve."""
    today = today or timezone.localdate()
    iso = today.isocalendar()
    written = 0
    for admin in mt_admins():
        counts = list(
            Device.objects.visible_to(admin, Cap.VIEW)
            .filter(pm_state__next_due__lt=today)
            .values("owner__name")
            .annotate(n=Count("pk"))
            .order_by("owner__name")
        )
        if not counts:
            continue

        def compose(counts: list[dict[str, Any]] = counts) -> tuple[str, list[str]]:
            return (
                _("Overdue PM, week %(week)s") % {"week": iso.week},
                [
                    _("%(customer)s: %(count)s devices") % {"customer": c["owner__name"], "count": c["n"]}
                    for c in counts
                ],
            )

        written += notify(
            kind=Kind.PM_OVERDUE,
            recipients=[admin],
            cause_key=f"pm_overdue:{iso.year}-w{iso.week}",
            path=reverse("maintenance:pm_due"),
            compose=compose,
        )
    return written


def check_all(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Every check that runs every few minutes (each idempotent)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return {
        "sla": check_sla(now=now),
        "notice": check_notice_deadlines(today=today),
        "index": check_index_figure(today=today),
    }
