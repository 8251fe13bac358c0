from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _prepare_sqlite(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        from medtek.core.chain import register_sqlite_functions

        register_sqlite_functions(connection.connection)


class CoreConfig(AppConfig):
    name = "medtek.core"
    label = "core"
    verbose_name = "medtek core"

    def ready(self) -> None:
        # Every SQLite connection: the event log's hash function, and triggers fired by REPLACE's deletes.
        connection_created.connect(_prepare_sqlite, dispatch_uid="medtek-core-sqlite")
