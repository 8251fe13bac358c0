from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


def grants(app: str) -> list[str]:
    """What the app role may do in a database migrated by the owner role: everything an application
    does, except change or remove the event log, which it may only read and append to."""
    return [
        f'GRANT USAGE ON SCHEMA public TO "{app}"',
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{app}"',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{app}"',
        f'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON core_event FROM "{app}"',
        # Tables and sequences later migrations create (as the owner) are the app's to use too.
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public"
        f' GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{app}"',
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO "{app}"',
    ]


class Command(BaseCommand):
    help = (
        "PostgreSQL: the rights of the role the application runs as, in the database the owner role "
        "migrated. Run as the owner after every `medtek migrate`; prints the SQL, --apply runs it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--app-role", default="medtek_app", help="the role the application runs as")
        parser.add_argument("--apply", action="store_true", help="run the statements (as the owner)")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are for PostgreSQL; the embedded SQLite has none.")
        app = options["app_role"]
        if not app.replace("_", "").isalnum():
            raise CommandError(f"Not a plain role name: {app!r}")
        statements = grants(app)
        if options["apply"]:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
            self.stdout.write(
                f"{app} may now use the database; the event log it may only read and append to."
            )
            return
        self.stdout.write(";\n".join(statements) + ";")
