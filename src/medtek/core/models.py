"""Shared base models and the append-only event log that every app writes its history to."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """A model that knows when it was created and last changed."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove a row of an append-only log."""


class EventQuerySet(models.QuerySet["Event"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("events are append-only and cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("events are append-only and cannot be deleted")

    def for_device(self, device_id: int) -> EventQuerySet:
        return self.filter(device_id=device_id).order_by("-occurred_at", "-id")

    def for_subject(self, subject_type: str, subject_id: int) -> EventQuerySet:
        return self.filter(subject_type=subject_type, subject_id=subject_id).order_by("-occurred_at", "-id")


class Event(models.Model):
    """One thing that happened, for the traceability log (spårbarhetsregistrering).

    Append-only: rows are never updated or deleted (refused here and by database triggers), and each
    row carries a hash chained to the one before it, so `medtek verify-history` can prove the log whole.
    Device events carry a snapshot of the device after the event (owner, location, status,
    whether it counts in the register), so the register can be asked what it looked like on any day.
    """

    occurred_at = models.DateTimeField(_("occurred"), default=timezone.now)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    # No index of its own: nothing lists events by actor, and users are deactivated, not deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=64)
    subject_type = models.CharField(max_length=64)
    subject_id = models.BigIntegerField()
    # Device snapshot after the event (plain ids: core depends on no app). These columns are the register's
    # projection and stay here rather than in a table of inventory's: they must be written in the same row
    # as the event, sealed by the same hash, and read by one covering index for "what did X own on day D",
    # the query billing counts shares by. Other kinds leave them empty. How a kind reads in words is
    # registered by the app that records it (core.events.describe).
    device_id = models.BigIntegerField(null=True, blank=True)
    owner_id = models.BigIntegerField(null=True, blank=True)
    location_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=32, blank=True)
    in_register = models.BooleanField(null=True)
    data = models.JSONField(default=dict, blank=True)
    message = models.CharField(max_length=500, blank=True)
    # The hash chain, written by the database as the row is inserted (core/chain.py): the event's place
    # in the chain, its predecessor's hash and its own. NULL only for a moment on SQLite, before the
    # insert trigger seals the row.
    seq = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    hash = models.CharField(max_length=64, null=True, blank=True, editable=False)

    objects: ClassVar[EventQuerySet] = EventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-occurred_at", "-id"]
        # A device's history and the register's as-of queries use core_event_device_state, a covering
        # index created per database by migration 0003. On SQLite, a migration that rebuilds this table
        # loses the triggers and that index: it must put them back (see 0005 and 0006).
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="core_event_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_type}#{self.subject_id} @ {self.occurred_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("events are append-only and cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("events are append-only and cannot be deleted")
