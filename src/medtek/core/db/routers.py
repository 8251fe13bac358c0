"""The database router for `DATABASE_REPLICA_URLS` (installed by the settings only when replicas are set)."""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS

from medtek.core.db import routing


class ReplicaRouter:
    """Reads to a replica when `routing` allows it; every write, and every migration, to the primary.

    `select_for_update()` asks for the write database, so locking reads land on the primary too. Objects
    read from a replica are the primary's rows, so relations between them are always allowed.
    """

    def db_for_read(self, model: Any, **hints: Any) -> str:
        return routing.read_alias_for(model)

    def db_for_write(self, model: Any, **hints: Any) -> str:
        routing.note_write()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
