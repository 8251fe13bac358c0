from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from medtek.organizations.models import ApiToken
from medtek.organizations.services import token_create, token_revoke


class Command(BaseCommand):
    help = (
        "API tokens: `token create USERNAME --name NAME` prints a new bearer token once; "
        "`token list` shows every token; `token revoke PREFIX` ends one at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("username")
        create.add_argument("--name", default="script", help="what the token is for, e.g. the script's name")
        sub.add_parser("list", help="every token: prefix, user, name, expiry, last use, state")
        revoke = sub.add_parser("revoke", help="revoke a token by the prefix `token list` shows")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                token, key = token_create(username=options["username"], name=options["name"])
                self.stdout.write(key)
                self.stderr.write(f"valid until {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}")
            elif options["action"] == "revoke":
                token = token_revoke(prefix=options["prefix"])
                self.stdout.write(f"revoked {token.prefix}… ({token.user}, {token.name})")
            else:
                self._list()
        except ValidationError as exc:
            raise CommandError("; ".join(m for msgs in exc.message_dict.values() for m in msgs)) from exc

    def _list(self) -> None:
        now = timezone.now()
        for t in ApiToken.objects.select_related("user").order_by("user__username", "created_at"):
            state = "revoked" if t.revoked else "expired" if t.expires_at <= now else "valid"
            used = f"{timezone.localtime(t.last_used_at):%Y-%m-%d %H:%M}" if t.last_used_at else "never"
            self.stdout.write(
                f"{t.prefix}\t{t.user.get_username()}\t{t.name}\t"
                f"expires {timezone.localtime(t.expires_at):%Y-%m-%d}\tlast used {used}\t{state}"
            )
