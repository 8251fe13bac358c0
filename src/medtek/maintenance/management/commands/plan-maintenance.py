"""`medtek plan-maintenance --horizon 30d`: create the PM work orders falling due within the horizon."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from medtek.maintenance import services
from medtek.organizations.system import system_actor


def parse_horizon(value: str) -> int:
    """'30d', '4w', '30' (days) → days."""
    match = re.fullmatch(r"\s*(\d+)\s*([dw]?)\s*", value or "")
    if not match:
        raise CommandError(f"'{value}' is not a horizon: write e.g. 30d or 4w")
    number, unit = int(match.group(1)), match.group(2) or "d"
    return number * (7 if unit == "w" else 1)


class Command(BaseCommand):
    help = "Create PM work orders (and watch items) for every device due within the horizon. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--horizon", default="30d", help="e.g. 30d (default) or 4w")
        parser.add_argument(
            "--user", default="", help="Plan as this user (an MT admin); default: every organisation"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = parse_horizon(options["horizon"])
        User = get_user_model()
        user: Any
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user '{options['user']}'")
        else:
            user = system_actor()
        try:
            run = services.plan_maintenance(user=user, horizon_days=days)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(
            f"Planned up to {run.horizon_end}: {run.work_orders_created} PM work orders, "
            f"{run.watch_items_created} watch items for externally maintained devices."
        )
