"""`medtek demo-data`: the demo organisations, users, register and each capability's own demo data."""

from __future__ import annotations

import importlib
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from medtek.organizations.models import Organisation

# Each app's demo.py has load(ctx); later parts of a device's life build on the earlier ones.
LOADERS = [
    "organizations",
    "inventory",
    "maintenance",
    "agreements",
    "billing",
    "decommissioning",
    "assistive",
    "safety",
]


def load_demo(ctx: dict[str, Any] | None = None) -> dict[str, Any]:
    ctx = ctx if ctx is not None else {}
    with transaction.atomic():
        for app in LOADERS:
            try:
                module = importlib.import_module(f"medtek.{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"medtek.{app}.demo":
                    raise
                continue
            module.load(ctx)
    return ctx


class Command(BaseCommand):
    help = "Load the demo data (Region Jämtland Härjedalen's MT and 8 municipalities, Region Halland)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="only when the database has no organisations"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write("The database already has data; demo data not loaded again.")
            return
        if Organisation.objects.filter(short_code="MT-RJH").exists():
            self.stdout.write(self.style.WARNING("Demo data is already loaded."))
            return
        load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Every demo user's password is 'demo'."))
