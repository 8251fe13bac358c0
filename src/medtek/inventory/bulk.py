"""Actions on a filtered selection of devices (MT admin): move, change status, set the FU interval.

Set-based: the selection is locked and read in one query, checked in Python with the same rules as one
device's change (`rules.check_transition`, the status guards of later apps, the owner's placements),
written with one UPDATE and one batch of events — an event per device on its own history — and either
all of it happens or none of it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from medtek.core.events import build_event, record_events
from medtek.inventory import rules
from medtek.inventory.choices import DeviceStatus, EventKind
from medtek.inventory.filters import DeviceFilter
from medtek.inventory.hooks import BULK_PM_INTERVAL, run_bulk_status_guards
from medtek.inventory.models import Device
from medtek.organizations.models import Location
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for

# One action changes at most this many devices: beyond, the selection is to be narrowed first.
MAX_DEVICES = 10_000
_ROW = ("id", "asset_number", "owner_id", "location_id", "status")


def selection(*, user: Any, filters: DeviceFilter) -> Any:
    """The devices of a bulk action: the list's filtered devices the user sees."""
    from medtek.inventory.selectors import device_queryset

    return device_queryset(user=user, filters=filters)


def selection_count(*, user: Any, filters: DeviceFilter) -> int:
    """How many devices the action would touch (counted up to one past the limit)."""
    return selection(user=user, filters=filters).order_by().values("pk")[: MAX_DEVICES + 1].count()


def require_bulk(user: Any, owner_id: int | None = None) -> None:
    """Bulk changes are an MT admin's: register edits on every owner, and the admin's import right."""
    scope = scope_for(user)
    if not (scope.can(Cap.REGISTER_EDIT, owner_id) and scope.can(Cap.REGISTER_IMPORT, owner_id)):
        raise PermissionDenied(BULK_REFUSAL)


BULK_REFUSAL = _lazy("Only an MT admin may change many devices at once.")


def _locked_rows(user: Any, filters: DeviceFilter) -> list[dict[str, Any]]:
    require_bulk(user)
    qs = selection(user=user, filters=filters).select_for_update().order_by("pk").values(*_ROW)
    rows = list(qs[: MAX_DEVICES + 1])
    if not rows:
        raise ValidationError({"devices": _("No devices match the filter.")})
    if len(rows) > MAX_DEVICES:
        raise ValidationError(
            {"devices": _("At most %(max)s devices at a time: narrow the filter.") % {"max": MAX_DEVICES}}
        )
    for owner in {r["owner_id"] for r in rows}:
        require_bulk(user, owner)
    return rows


def _snapshot(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "device_id": row["id"],
        "owner_id": row["owner_id"],
        "location_id": row["location_id"],
        "status": row["status"],
        "in_register": rules.in_register(row["status"]),
    }


def _write(
    rows: list[dict[str, Any]],
    *,
    kind: str,
    user: Any,
    changes: dict[str, Any],
    data: Callable[[dict[str, Any]], dict[str, Any]],
    message: str = "",
) -> int:
    """One UPDATE of the rows (in chunks) and their events, each with the device's state after it."""
    now = timezone.now()
    ids = [r["id"] for r in rows]
    for start in range(0, len(ids), 5000):
        Device.objects.filter(pk__any_of=ids[start : start + 5000]).update(**changes, updated_at=now)
    after = {
        f"{k}_id" if k == "location" else k: (v.pk if hasattr(v, "pk") else v) for k, v in changes.items()
    }
    return record_events(
        build_event(
            kind=kind,
            subject=Device(pk=row["id"]),
            actor=user,
            data=data(row),
            message=message,
            occurred_at=now,
            device_snapshot=_snapshot({**row, **after}),
        )
        for row in rows
    )


@transaction.atomic
def devices_move(*, user: Any, filters: DeviceFilter, location: Location | int | None) -> int:
    """Move every selected device to one placement of their owner; the devices already there stay.

    Returns how many moved. Refused whole when a device belongs to another owner than the placement.
    """
    rows = _locked_rows(user, filters)
    target: Location | None = None
    if location is not None:
        pk = location.pk if isinstance(location, Location) else location
        try:
            target = Location.objects.visible_to(user).get(pk=pk)
        except (Location.DoesNotExist, ValueError, TypeError) as exc:
            raise ValidationError({"location": _("Unknown placement.")}) from exc
        others = sum(1 for r in rows if r["owner_id"] != target.organisation_id)
        if others:
            raise ValidationError(
                {
                    "location": ngettext(
                        "%(n)s device belongs to another owner than the placement: filter on one owner.",
                        "%(n)s devices belong to another owner than the placement: filter on one owner.",
                        others,
                    )
                    % {"n": others}
                }
            )
    new_id = target.pk if target else None
    moving = [r for r in rows if r["location_id"] != new_id]
    if not moving:
        raise ValidationError({"location": _("The devices are already there.")})
    return _write(
        moving,
        kind=EventKind.MOVED,
        user=user,
        changes={"location": target},
        data=lambda row: {"before": row["location_id"], "after": new_id, "bulk": True},
    )


@transaction.atomic
def devices_change_status(*, user: Any, filters: DeviceFilter, status: str, reason: str = "") -> int:
    """Move every selected device to one status; refused whole when the lifecycle forbids it for any
    device, or a later app's guard does (a device a failed check blocked stays out of use)."""
    if status not in DeviceStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    rows = _locked_rows(user, filters)
    changing = [r for r in rows if r["status"] != status]
    if not changing:
        raise ValidationError({"status": _("The devices already have this status.")})
    refused: Counter[str] = Counter()
    for row in changing:
        try:
            rules.check_transition(row["status"], status)
        except rules.IllegalTransition:
            refused[row["status"]] += 1
    if refused:
        labels = dict(DeviceStatus.choices)
        detail = ", ".join(f"{n} {labels.get(s, s).lower()}" for s, n in sorted(refused.items()))
        raise ValidationError(
            {"status": _("Not allowed from the status some devices have (%(detail)s).") % {"detail": detail}}
        )
    run_bulk_status_guards([r["id"] for r in changing], status)
    return _write(
        changing,
        kind=EventKind.STATUS_CHANGED,
        user=user,
        changes={"status": status},
        data=lambda row: {"before": row["status"], "after": status, "reason": reason, "bulk": True},
        message=reason,
    )


@transaction.atomic
def devices_set_pm_interval(*, user: Any, filters: DeviceFilter, months: int | None) -> int:
    """Set the FU interval of every selected device (None: the model's again), through maintenance,
    which keeps the devices' PM states and writes an event per device."""
    rows = _locked_rows(user, filters)
    if not BULK_PM_INTERVAL:
        raise ValidationError({"months": _("Preventive maintenance is not part of this installation.")})
    return sum(hook(user, [r["id"] for r in rows], months) for hook in BULK_PM_INTERVAL)
