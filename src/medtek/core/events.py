"""The one way to record an event in the traceability log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
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


# How each kind of event reads. The app that records a kind registers its words here (from its
# AppConfig.ready), so a history never shows a raw kind such as "qc.recorded", and core imports no app.


@dataclass(frozen=True)
class EventDescription:
    """How events of one kind read: `label` is a lazy translation (English source, Swedish in the app's
    locale); `details(event)`, when given, returns rows (what, before, after) a history shows under it."""

    kind: str
    label: Any
    details: Callable[[Event], list[tuple[str, str, str]]] | None = None


_DESCRIPTIONS: dict[str, EventDescription] = {}


def describe(
    kind: str, label: Any, *, details: Callable[[Event], list[tuple[str, str, str]]] | None = None
) -> None:
    """Register how events of `kind` read; each kind is described once, by the app that records it."""
    existing = _DESCRIPTIONS.get(kind)
    if existing is not None and (existing.label != label or existing.details is not details):
        raise ImproperlyConfigured(f"The event kind {kind!r} is described twice.")
    _DESCRIPTIONS[kind] = EventDescription(kind=kind, label=label, details=details)


def describe_many(labels: Mapping[str, Any]) -> None:
    """`describe` for several kinds without details: {kind: lazy label}."""
    for kind, label in labels.items():
        describe(kind, label)


def description(kind: str) -> EventDescription | None:
    return _DESCRIPTIONS.get(kind)


def described_kinds() -> frozenset[str]:
    return frozenset(_DESCRIPTIONS)


def event_label(kind: str) -> str:
    """What an event of `kind` was, in the active language. A kind no app described reads as itself
    (tests/test_event_descriptions.py keeps every kind the code records described)."""
    found = _DESCRIPTIONS.get(kind)
    return str(found.label) if found is not None else kind


def event_details(event: Event) -> list[tuple[str, str, str]]:
    """The rows (what, before, after) the describing app shows under the event; none when it gives none."""
    found = _DESCRIPTIONS.get(event.kind)
    if found is None or found.details is None:
        return []
    return found.details(event)


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
