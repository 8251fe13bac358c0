"""How far a job has come, written where the page polling it can read it while the work goes on.

Outside a transaction the counts are written on the work's own connection, each update its own short
transaction (the importer's checking phase on SQLite holds no lock, so this takes the write lock only
for the moment of the update). Inside the work's transaction (the PostgreSQL import streams its rows in
one), they go through a second connection of their own, so they are visible before the work commits.
On SQLite a second connection would wait for the work's own write lock: there the counts wait for the
transaction's end, and the job's final write tells them.

Every progress write is also the job's heartbeat; `Heartbeat` writes it besides every few seconds while
the work runs, so a job silent for long has lost its worker (services.job_recover).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.db import DatabaseError, connection, connections
from django.utils import timezone

from medtek.jobs.choices import JobState
from medtek.jobs.models import Job

logger = logging.getLogger(__name__)


class Progress:
    """Called by the work with its counts (`checked`, `written`) or its step; writes at most every
    INTERVAL seconds (or at once with `force`)."""

    INTERVAL = 0.5

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.values: dict[str, Any] = {}
        self._written_at = 0.0
        self._side: Any = None

    def __call__(
        self,
        *,
        checked: int | None = None,
        written: int | None = None,
        step: str | None = None,
        force: bool = False,
    ) -> None:
        for name, value in (("checked", checked), ("written", written), ("step", step)):
            if value is not None:
                self.values[name] = str(value)[:200] if name == "step" else int(value)
        now = time.monotonic()
        if not force and now - self._written_at < self.INTERVAL:
            return
        self._written_at = now
        self._write()

    def _write(self) -> None:
        if not self.values:
            return
        now = timezone.now()
        fields = {**self.values, "updated_at": now, "heartbeat_at": now}
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.job_id).update(**fields)
        elif connection.vendor == "postgresql":
            self._write_aside(fields)

    def _write_aside(self, fields: dict[str, Any]) -> None:
        table = Job._meta.db_table
        columns = ", ".join(f"{Job._meta.get_field(name).column} = %s" for name in fields)  # type: ignore[union-attr]
        try:
            if self._side is None:
                self._side = connections.create_connection(connection.alias)
            with self._side.cursor() as cursor:  # autocommit: its own short transaction
                cursor.execute(f"UPDATE {table} SET {columns} WHERE id = %s", [*fields.values(), self.job_id])
        except DatabaseError:
            # Progress is only shown; the work goes on, and the job's final write has the counts.
            logger.warning("job %s: progress not written", self.job_id, exc_info=True)

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


class Heartbeat:
    """While the work runs, a thread of the worker's writes the job's heartbeat every `every` seconds:
    the work may spend minutes in one statement (a billing run) without telling its progress. One short
    UPDATE on the thread's own connection, outside the work's transaction; on SQLite it may wait for a
    write lock the work holds, as progress does, and a beat that fails is tried again at the next."""

    def __init__(self, job_id: int, every: float) -> None:
        self.job_id = job_id
        self.every = every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Heartbeat:
        if self.every > 0:
            self._thread = threading.Thread(
                target=self._run, name=f"job-{self.job_id}-heartbeat", daemon=True
            )
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=max(self.every, 30))
            self._thread = None

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.every):
                self.beat()
        finally:
            connections.close_all()  # this thread's own

    def beat(self) -> None:
        """Tell that the job is alive (a job already ended is left as it is)."""
        try:
            Job.objects.filter(pk=self.job_id, state=JobState.RUNNING).update(heartbeat_at=timezone.now())
        except DatabaseError:
            logger.warning("job %s: heartbeat not written", self.job_id, exc_info=True)
