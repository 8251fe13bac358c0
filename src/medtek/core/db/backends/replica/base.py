"""PostgreSQL for a read replica: a read whose replica stops answering is answered by the primary.

Routing checks a replica before a request reads from it, but a replica can still go away between that
check and a query, or leave a persistent connection broken. Then the read is run again on the primary
(it is a read outside any transaction, so nothing is lost), the replica is marked down for
MEDTEK_REPLICA_RETRY_SECONDS, and the rest of the request reads from the primary. Routing's own status
check does not fall back: it must see the replica fail.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.backends.postgresql import base
from django.db.backends.utils import CursorWrapper

from medtek.core.db import routing


class ReplicaCursorWrapper(CursorWrapper):
    """Runs a statement again on the primary when the replica's connection fails under it."""

    def execute(self, sql: Any, params: Any = None) -> Any:
        try:
            return super().execute(sql, params)
        except OperationalError:
            if not self._fall_back():
                raise
            return super().execute(sql, params)

    def _fall_back(self) -> bool:
        replica = self.db
        if replica.alias == DEFAULT_DB_ALIAS or not getattr(replica, "falls_back", False):
            return False
        if replica.in_atomic_block:
            return False
        routing.mark_down(replica.alias)
        primary = connections[DEFAULT_DB_ALIAS]
        self.cursor = primary.cursor().cursor
        self.db = primary
        return True


class DatabaseWrapper(base.DatabaseWrapper):
    falls_back = True  # off while routing checks the replica itself

    def cursor(self) -> Any:
        if self.falls_back and not self.in_atomic_block and routing.is_down(self.alias):
            return connections[DEFAULT_DB_ALIAS].cursor()
        try:
            return super().cursor()
        except OperationalError:
            if not self.falls_back or self.in_atomic_block:
                raise
            routing.mark_down(self.alias)
            return connections[DEFAULT_DB_ALIAS].cursor()

    def make_cursor(self, cursor: Any) -> CursorWrapper:
        return ReplicaCursorWrapper(cursor, self)
