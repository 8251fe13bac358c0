"""`medtek worker`: the built-in worker that runs the queue and the schedule (Huey)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Run the jobs pages start and the scheduled jobs (delivery, checks, digests, PM planning, billing "
        "drafts, failing runs whose worker died) until stopped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("run_huey", workers=options["workers"], worker_type="thread")
