"""The one way to record an event in the traceability log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import models
from django.utils import timezone

from medtek.core.models import Event


def subject_label(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def record_event(
    *,
    kind: str,
    subject: models.Model,
    actor: Any = None,
    data: Mapping[str, Any] | None = None,
    message: str = "",
    occurred_at: dt.datetime | None = None,
    device_snapshot: Mapping[str, Any] | None = None,
) -> Event:
    """Append one event about `subject`; `device_snapshot` ties it to a device's history."""
    event = build_event(
        kind=kind,
        subject=subject,
        actor=actor,
        data=data,
        message=message,
        occurred_at=occurred_at,
        device_snapshot=device_snapshot,
    )
    event.save()
    for prefix, handler in _SUBSCRIBERS:
        if event.kind.startswith(prefix):
            handler(event)
    return event


# Later apps (notifications) subscribe here, so nothing earlier imports them; handlers run inside the
# transaction that records the event, so what they write commits or rolls back with it.
_SUBSCRIBERS: list[tuple[str, Callable[[Event], None]]] = []


def on_event(kind_prefix: str, handler: Callable[[Event], None]) -> None:
    """Call `handler(event)` for every event recorded by `record_event` whose kind starts with the prefix."""
    if (kind_prefix, handler) not in _SUBSCRIBERS:
        _SUBSCRIBERS.append((kind_prefix, handler))


def build_event(
    *,
    kind: str,
    subject: models.Model,
    actor: Any = None,
    data: Mapping[str, Any] | None = None,
    message: str = "",
    occurred_at: dt.datetime | None = None,
    device_snapshot: Mapping[str, Any] | None = None,
) -> Event:
    """An unsaved event, for services that write many at once with `record_events`."""
    now = timezone.now()
    actor_id = (
        getattr(actor, "pk", None)
        if actor is not None and getattr(actor, "is_authenticated", False)
        else None
    )
    snap = dict(device_snapshot or {})
    return Event(
        kind=kind,
        subject_type=subject_label(subject),
        subject_id=subject.pk,
        actor_id=actor_id,
        data=_jsonable(dict(data or {})),
        message=message[:500],
        occurred_at=occurred_at or now,
        recorded_at=now,
        device_id=snap.get("device_id"),
        owner_id=snap.get("owner_id"),
        location_id=snap.get("location_id"),
        status=snap.get("status", ""),
        in_register=snap.get("in_register"),
    )


def record_events(events: Iterable[Event], *, batch_size: int = 5000) -> int:
    """Append many events in set-based inserts (imports, planners)."""
    rows = list(events)
    Event.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
