"""A device's history in words: who did what when, and what each changed value was before and after.

The register describes its own events here; every other kind reads as the app that records it
registered it with `core.events` (its label, and the rows its `details` give).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from medtek.core.events import event_details, event_label
from medtek.core.models import Event
from medtek.core.money import format_kr
from medtek.inventory.choices import DeviceStatus, EventKind, MaintenanceResponsibility
from medtek.inventory.forms import field_label
from medtek.inventory.models import DeviceModel
from medtek.organizations.models import Location, Organisation

FIELD_KINDS_FK = {"model": DeviceModel, "external_maintainer": Organisation}


def describe_events(events: list[Event]) -> list[dict[str, Any]]:
    """Each event as {when, who, what, changes: [(label, before, after)], message}; names fetched in bulk."""
    org_ids: set[int] = set()
    location_ids: set[int] = set()
    model_ids: set[int] = set()
    for event in events:
        data = event.data or {}
        before, after = data.get("before"), data.get("after")
        if event.kind == EventKind.MOVED:
            location_ids |= {v for v in (before, after) if isinstance(v, int)}
        elif event.kind == EventKind.OWNER_CHANGED:
            for side in (before, after):
                if isinstance(side, dict):
                    org_ids |= {v for v in (side.get("owner"),) if isinstance(v, int)}
                    location_ids |= {v for v in (side.get("location"),) if isinstance(v, int)}
        elif event.kind == EventKind.CREATED:
            if isinstance(data.get("owner"), int):
                org_ids.add(data["owner"])
            if isinstance(data.get("model"), int):
                model_ids.add(data["model"])
        elif event.kind == EventKind.UPDATED and isinstance(before, dict) and isinstance(after, dict):
            for side in (before, after):
                if isinstance(side.get("model"), int):
                    model_ids.add(side["model"])
                if isinstance(side.get("external_maintainer"), int):
                    org_ids.add(side["external_maintainer"])
    # Names of what the device's own history refers to (its past owners and placements).
    orgs = dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name")) if org_ids else {}
    locations = (
        dict(Location.objects.filter(pk__in=location_ids).values_list("pk", "name")) if location_ids else {}
    )
    models = {
        m.pk: str(m) for m in DeviceModel.objects.filter(pk__in=model_ids).select_related("manufacturer")
    }
    names = {"org": orgs, "location": locations, "model": models}
    return [_describe(event, names) for event in events]


def _name(table: dict[int, str], value: Any) -> str:
    if value in (None, ""):
        return "—"
    return table.get(value, f"#{value}")


def _status_label(value: Any) -> str:
    try:
        return str(DeviceStatus(value).label)
    except ValueError:
        return str(value or "—")


def _field_value(field: str, value: Any, names: dict[str, dict[int, str]]) -> str:
    if value is None or value == "":
        return "—"
    if field == "model":
        return _name(names["model"], value)
    if field == "external_maintainer":
        return _name(names["org"], value)
    if field == "maintenance_responsibility":
        try:
            return str(MaintenanceResponsibility(value).label)
        except ValueError:
            return str(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field in {"expiry_date", "acquisition_date", "warranty_end"}:
        try:
            return date_format(dt.date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
        except ValueError:
            return str(value)
    if field == "acquisition_value":
        try:
            return format_kr(Decimal(str(value)))
        except ArithmeticError:
            return str(value)
    return str(value)


def _describe(event: Event, names: dict[str, dict[int, str]]) -> dict[str, Any]:
    data = event.data or {}
    before, after = data.get("before"), data.get("after")
    changes: list[tuple[str, str, str]] = []
    kind = event.kind
    what = event_label(kind)
    if kind == EventKind.CREATED:
        changes.append((_("Owner"), "", _name(names["org"], data.get("owner"))))
        if data.get("model"):
            changes.append((_("Model"), "", _name(names["model"], data.get("model"))))
    elif kind == EventKind.UPDATED:
        if isinstance(before, dict) and isinstance(after, dict):
            for field in after:
                changes.append(
                    (
                        field_label(field),
                        _field_value(field, before.get(field), names),
                        _field_value(field, after.get(field), names),
                    )
                )
    elif kind == EventKind.MOVED:
        changes.append((_("Placement"), _name(names["location"], before), _name(names["location"], after)))
    elif kind == EventKind.OWNER_CHANGED:
        b = before if isinstance(before, dict) else {}
        a = after if isinstance(after, dict) else {}
        changes.append((_("Owner"), _name(names["org"], b.get("owner")), _name(names["org"], a.get("owner"))))
        changes.append(
            (
                _("Placement"),
                _name(names["location"], b.get("location")),
                _name(names["location"], a.get("location")),
            )
        )
    elif kind == EventKind.STATUS_CHANGED:
        changes.append((_("Status"), _status_label(before), _status_label(after)))
    else:
        # Work orders, checks and hand-overs from the other parts of the system.
        changes.extend(event_details(event))
        if event.status:
            changes.append((_("Status"), "", _status_label(event.status)))
    actor = event.actor
    who = (actor.get_full_name() or actor.get_username()) if actor is not None else _("the system")
    return {
        "event": event,
        "when": event.occurred_at,
        "who": who,
        "what": what,
        "changes": changes,
        "message": event.message,
    }
