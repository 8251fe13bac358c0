"""The schedule the worker runs; every job is a `medtek` command, so cron can run the same thing."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from medtek.notifications import rules

_DIGEST_HOUR = str(settings.MEDTEK_NOTIFY_DIGEST_HOUR)


@db_task()
def run_command(*args: str) -> None:
    """Run one `medtek` command in the worker (enqueued by the schedule or by hand)."""
    call_command(*args)


@db_periodic_task(crontab(minute="*"))
def deliver() -> None:
    call_command("notify", "deliver")


@db_periodic_task(crontab(minute="*/5"))
def check() -> None:
    call_command("notify", "check")


@db_periodic_task(crontab(minute="0", hour=_DIGEST_HOUR))
def digest() -> None:
    call_command("notify", "digest")


@db_periodic_task(crontab(minute="30", hour="6", day_of_week="1"))
def pm_overdue() -> None:
    call_command("notify", "pm-overdue")


@db_periodic_task(crontab(minute="0", hour="2"))
def plan_maintenance() -> None:
    """FU planning each night."""
    call_command("plan-maintenance", "--horizon", "30d")


@db_periodic_task(crontab(minute="0", hour="3", day="1"))
def billing_runs() -> None:
    """On the 1st: the variable part of last month; on 1 January and 1 July the fixed half-year (drafts)."""
    for part, period in rules.billing_runs_due(timezone.localdate()):
        call_command("bill", part, period)
