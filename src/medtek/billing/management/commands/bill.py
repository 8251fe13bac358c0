"""`medtek bill fixed 2026H1` / `medtek bill variable 2026-03`: an idempotent billing run."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from medtek.agreements.models import Agreement
from medtek.billing import services
from medtek.billing.runs import RUNS
from medtek.core.money import format_kr
from medtek.organizations.system import system_actor


class Command(BaseCommand):
    help = (
        "Draft the fixed part of a half-year (2026H1), the variable part of a month (2026-03), or a part "
        "another app adds (assistive 2026-03: the rent of assistive-device loans)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("part", choices=["fixed", "variable", *sorted(RUNS)])
        parser.add_argument(
            "period", help="2026H1 or 2026H2 for the fixed part, 2026-03 for the variable part"
        )
        parser.add_argument("--agreement", default="", help="only this agreement (its reference)")
        parser.add_argument("--reference-date", default="", help="fixed part: count devices on this day")
        parser.add_argument("--user", default="", help="run as this user (default: the system)")

    def handle(self, *args: Any, **options: Any) -> None:
        user: Any = system_actor()
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user '{options['user']}'.")
        agreement = None
        if options["agreement"]:
            agreement = Agreement.objects.filter(reference=options["agreement"]).first()
            if agreement is None:
                raise CommandError(f"No agreement '{options['agreement']}'.")
        reference_date = None
        if options["reference_date"]:
            try:
                reference_date = dt.date.fromisoformat(options["reference_date"])
            except ValueError as exc:
                raise CommandError(f"'{options['reference_date']}' is not a date (YYYY-MM-DD)") from exc
        try:
            if options["part"] in RUNS:
                if reference_date:
                    raise CommandError("--reference-date is for the fixed part only.")
                result = RUNS[options["part"]](user=user, period=options["period"], agreement=agreement)
            elif options["part"] == "fixed":
                result = services.fixed_run(
                    user=user, period=options["period"], agreement=agreement, reference_date=reference_date
                )
            else:
                if reference_date:
                    raise CommandError("--reference-date is for the fixed part only.")
                result = services.variable_run(user=user, period=options["period"], agreement=agreement)
        except ValidationError as exc:
            raise CommandError(" ".join(str(m) for m in exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        for basis in result.bases:
            self.stdout.write(
                f"{basis.agreement.reference} {basis.period.label}: {basis.total_devices} devices on "
                f"{basis.reference_date}, total {format_kr(basis.total.total)}"
            )
            for row in basis.rows:
                self.stdout.write(
                    f"  {row.customer.name:<24} {row.count:>6} {row.share:>6} % {row.amount:>14}"
                )
        self.stdout.write(
            f"{result.part} {result.period}: {len(result.created)} drafted, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged."
        )
