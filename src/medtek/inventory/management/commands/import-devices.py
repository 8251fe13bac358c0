"""`medtek import-devices register.xlsx --user anna`: the import of the page and the API, from a shell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from medtek.inventory.importer import import_devices
from medtek.organizations.system import system_actor


class Command(BaseCommand):
    help = (
        "Import devices from a CSV or XLSX file (the import page's columns and rules): every row is "
        "checked, then all are registered or none."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a .csv or .xlsx file, one device per row under a header row")
        parser.add_argument("--user", default="", help="import as this user (default: the system)")
        parser.add_argument("--dry-run", action="store_true", help="check the file without saving anything")

    def handle(self, *args: Any, **options: Any) -> None:
        user: Any = system_actor()
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user '{options['user']}'.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file '{path}'.")
        try:
            with path.open("rb") as stream:
                report = import_devices(
                    user=user, data=stream, filename=path.name, dry_run=options["dry_run"]
                )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        for error in report.errors:
            where = f"row {error.row} (line {error.line})" if error.row else f"line {error.line or 1}"
            self.stderr.write(f"{where}, {error.column or '-'}: {error.message}")
        if not report.ok:
            raise CommandError(f"{report.error_count} errors on {report.error_rows} rows; nothing was saved.")
        if options["dry_run"]:
            self.stdout.write(f"{report.rows} rows checked, no errors; nothing was saved.")
        else:
            self.stdout.write(f"{report.created} devices imported.")
