from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from medtek.organizations.services import token_create


class Command(BaseCommand):
    help = "API tokens: `medtek token create USERNAME` prints a new bearer token."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("username")
        create.add_argument("--name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            _token, key = token_create(username=options["username"], name=options["name"])
        except ValidationError as exc:
            raise CommandError("; ".join(m for msgs in exc.message_dict.values() for m in msgs)) from exc
        self.stdout.write(key)
