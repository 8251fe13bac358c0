"""`medtek agreements deadlines --within 90d`: agreements whose notice deadline is near."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from medtek.agreements import rules, selectors
from medtek.core.dates import add_months_to_period_end
from medtek.organizations.system import system_actor


class Command(BaseCommand):
    help = "List agreements whose notice deadline falls within a span of days (e.g. --within 90d)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        deadlines = sub.add_parser("deadlines", help="agreements whose notice deadline is near")
        deadlines.add_argument("--within", default="90d", help="a span such as 90d or 12w (default 90d)")
        deadlines.add_argument(
            "--today", default="", help="count from this day (YYYY-MM-DD) instead of today"
        )
        deadlines.add_argument("--user", default="", help="only what this user may see")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            days = rules.parse_within(options["within"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError(f"'{options['today']}' is not a date (YYYY-MM-DD)") from exc
        user: Any = system_actor()
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user '{options['user']}'.")
        rows = selectors.agreement_deadlines(user=user, within_days=days, today=today)
        if not rows:
            self.stdout.write(f"No notice deadline within {days} days.")
            return
        for d in rows:
            next_end = add_months_to_period_end(d.end, d.agreement.extension_months)
            customers = ", ".join(p.customer.name for p in d.agreement.parties.all())
            self.stdout.write(
                f"{d.deadline.isoformat()}  ({d.days_left} days)  {d.agreement.reference}"
                f"  {d.agreement.title}"
                f" — ends {d.end.isoformat()}, otherwise extended to {next_end.isoformat()}; {customers}"
            )
