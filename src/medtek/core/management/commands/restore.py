from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from medtek.core import backup


class Command(BaseCommand):
    help = (
        "Replace the whole database with a backup made by `medtek backup`, then verify the restored "
        "history. Stop the application first; everything written since the backup is lost."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the backup file")
        parser.add_argument("--yes", action="store_true", help="replace the database without asking")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        name = connection.settings_dict["NAME"]
        if not options["yes"]:
            answer = input(f"Replace the whole database {name} with {path}? Type 'yes': ")
            if answer.strip() != "yes":
                raise CommandError("Nothing restored.")
        try:
            backup.restore(connection, path)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {name} from {path}.")
        call_command("verify-history", stdout=self.stdout, stderr=self.stderr)
