"""`medtek notify deliver|check|digest|pm-overdue`: the notification jobs, each idempotent (for cron too)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from medtek.notifications import checks, services


class Command(BaseCommand):
    help = (
        "deliver: send pending notifications (retries with back-off); check: CM targets, notice deadlines, "
        "the VPI figure; digest: the daily digests; pm-overdue: the weekly overdue-PM summary."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("job", choices=["deliver", "check", "digest", "pm-overdue"])
        parser.add_argument("--force", action="store_true", help="digest: also inside the quiet hours")

    def handle(self, *args: Any, **options: Any) -> None:
        job = options["job"]
        if job == "deliver":
            r = services.deliver_due()
            self.stdout.write(
                f"Sent {r.sent}, retrying {r.retrying}, failed {r.failed}, withheld {r.withheld}."
            )
        elif job == "check":
            found = checks.check_all()
            self.stdout.write(", ".join(f"{k}: {v} new" for k, v in found.items()))
        elif job == "digest":
            self.stdout.write(f"{services.digest_build(force=options['force'])} digests written.")
        else:
            self.stdout.write(f"{checks.check_pm_overdue()} overdue-PM summaries written.")
