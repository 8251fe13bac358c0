"""A server process's short-lived cache of what it read from the database: what an API token resolves to,
what a search word names. One way to keep such reads for a few seconds:

- an entry lives `seconds` (then it is read again), and the cache holds at most `max_entries` (when full it
  starts again empty: what it holds is cheap to read back);
- a change of the rows behind it clears the cache of the process that made it, at once and again when the
  change is committed (a read between the two would cache the old rows); other processes (other gunicorn
  workers, other servers) notice within `seconds`;
- inside a transaction the caller reads the database itself where the transaction's own uncommitted
  writes must be seen (`usable()`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any, Generic, TypeVar

from django.db import connection, transaction

K = TypeVar("K")
V = TypeVar("V")


class ProcessCache(Generic[K, V]):
    def __init__(self, *, seconds: float, max_entries: int) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: dict[K, tuple[float, V]] = {}

    def get(self, key: K) -> V | None:
        """The value kept for `key`, or None when there is none or it is older than `seconds`."""
        found = self._entries.get(key)
        if found is None:
            return None
        until, value = found
        if until <= time.monotonic():
            self._entries.pop(key, None)
            return None
        return value

    def put(self, key: K, value: V) -> None:
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key] = (time.monotonic() + self.seconds, value)

    def forget(self, key: K) -> None:
        self._entries.pop(key, None)

    def clear(self, **kwargs: Any) -> None:
        """Forget everything (also a signal receiver)."""
        self._entries.clear()

    def clear_on_commit(self, **kwargs: Any) -> None:
        """Forget everything now, and again once the change is committed."""
        self.clear()
        transaction.on_commit(self.clear)

    def forget_on_change(self, senders: Iterable[type[Any]], uid: str) -> None:
        """Clear this cache whenever a row of these models is saved or deleted in this process."""
        from django.db.models.signals import post_delete, post_save

        for model in senders:
            for signal in (post_save, post_delete):
                signal.connect(
                    self.clear_on_commit, sender=model, weak=False, dispatch_uid=f"{uid}-{model._meta.label}"
                )

    @staticmethod
    def usable() -> bool:
        """Whether a read may come from a cache: not inside a transaction, whose own writes (a bulk write
        sends no signal) the cache cannot know."""
        return not connection.in_atomic_block
