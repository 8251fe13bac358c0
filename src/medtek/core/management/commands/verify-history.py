from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from medtek.core import chain


class Command(BaseCommand):
    help = (
        "Recompute the event log's hash chain: prove the history unbroken, or name the first event "
        "where it breaks (exit code 1)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = chain.verify(connection)
        if broken is not None:
            raise CommandError(
                f"History broken at event {broken.event_id} (sequence number {broken.seq}): "
                f"it {broken.reason}. The {checked} events before it are unbroken."
            )
        self.stdout.write(f"History unbroken: {checked} events, each chained to the one before it.")
