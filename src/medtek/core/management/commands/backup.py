from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from medtek.core import backup


class Command(BaseCommand):
    help = (
        "Back up the whole database to one file while medtek runs: SQLite's online backup, or pg_dump's "
        "custom format on PostgreSQL. Prints the file's path."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="the file to write (default: var/backups/medtek-<time>)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"]) if options["path"] else backup.default_path(connection)
        try:
            written = backup.backup(connection, path)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(written))
