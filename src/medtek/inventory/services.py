"""Every write to the register; each one validated, atomic and written to the traceability log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from medtek.core.events import record_event
from medtek.core.models import Event
from medtek.inventory import rules
from medtek.inventory.choices import EventKind
from medtek.inventory.hooks import run_devices_changed, run_status_guards
from medtek.inventory.models import Device, DeviceModel, SavedFilter
from medtek.inventory.udi import BarcodeError, parse_udi
from medtek.organizations.choices import OrganisationKind
from medtek.organizations.models import Location, Organisation
from medtek.organizations.rules import ASSISTIVE_ONLY_REFUSAL, Cap
from medtek.organizations.scoping import scope_for

# Fields a plain update may change; owner, placement and status have their own services and events.
EDITABLE_FIELDS = (
    "serial_number",
    "udi_di",
    "udi_pi",
    "lot",
    "expiry_date",
    "model",
    "acquisition_date",
    "acquisition_value",
    "warranty_end",
    "maintenance_responsibility",
    "external_maintainer",
    "external_agreement_ref",
    "stores_patient_data",
    "has_radiation_source",
    "is_sterile",
    "notes",
)


def _org_for(user: Any, org: Organisation | int, capability: str, field: str) -> Organisation:
    org_id = org.pk if isinstance(org, Organisation) else org
    scope_for(user).require(capability)
    try:
        found = Organisation.objects.visible_to(user).get(pk=org_id)
    except Organisation.DoesNotExist as exc:
        raise ValidationError(
            {field: _("Unknown organisation, or one you may not register devices for.")}
        ) from exc
    scope_for(user).require(capability, found.pk)
    return found


def _location_for(user: Any, location: Location | int | None) -> Location | None:
    if location is None:
        return None
    loc_id = location.pk if isinstance(location, Location) else location
    try:
        return Location.objects.visible_to(user).get(pk=loc_id)
    except Location.DoesNotExist as exc:
        raise ValidationError({"location": _("Unknown location.")}) from exc


def _maintainer_for(user: Any, maintainer: Organisation | int | None) -> int | None:
    """An external maintainer is a supplier or manufacturer, or an organisation the user sees."""
    if maintainer is None:
        return None
    org_id = maintainer.pk if isinstance(maintainer, Organisation) else maintainer
    shared = Q(kind__in=[OrganisationKind.SUPPLIER, OrganisationKind.MANUFACTURER])
    visible = Organisation.objects.visible_to(user).values("pk")
    if not Organisation.objects.filter(shared | Q(pk__in=visible), pk=org_id).exists():
        raise ValidationError({"external_maintainer": _("Unknown organisation.")})
    return int(org_id)


def apply_barcode(fields: dict[str, Any], barcode: str) -> None:
    """Fill UDI-DI, serial, lot and expiry from a scanned barcode (explicit values win)."""
    try:
        udi = parse_udi(barcode)
    except BarcodeError as exc:
        raise ValidationError({"barcode": str(exc)}) from exc
    fields.setdefault("udi_di", udi.di)
    fields["udi_pi"] = fields.get("udi_pi") or udi.pi
    if udi.serial and not fields.get("serial_number"):
        fields["serial_number"] = udi.serial
    if udi.lot and not fields.get("lot"):
        fields["lot"] = udi.lot
    if udi.expiry and not fields.get("expiry_date"):
        fields["expiry_date"] = udi.expiry


def device_record_event(
    *,
    device: Device,
    kind: str,
    actor: Any = None,
    data: Mapping[str, Any] | None = None,
    message: str = "",
    occurred_at: dt.datetime | None = None,
    subject: models.Model | None = None,
) -> Event:
    """Append an event to a device's history; other apps call this for work, checks and hand-overs."""
    return record_event(
        kind=kind,
        subject=subject or device,
        actor=actor,
        data=data,
        message=message,
        occurred_at=occurred_at,
        device_snapshot=device.snapshot(),
    )


def _changed_at(
    device: Device, effective_date: dt.date | None, occurred_at: dt.datetime | None
) -> dt.datetime | None:
    """When a change of owner, placement or status happened: now (None), or on the day it took effect.

    Refused in the future and before the device's last event, so that each device's latest event by
    `occurred_at` stays its current state and the as-of counts (and billing) follow the real day.
    """
    if effective_date is not None:
        day = effective_date
    elif occurred_at is not None:
        day = timezone.localdate(occurred_at)
    else:
        return None
    last = (
        Event.objects.filter(device_id=device.pk)
        .order_by("-occurred_at", "-id")
        .values_list("occurred_at", flat=True)
        .first()
    )
    today = timezone.localdate()
    try:
        rules.check_effective_date(
            day, today=today, last_event_day=timezone.localdate(last) if last is not None else None
        )
    except rules.BadEffectiveDate as exc:
        raise ValidationError({"effective_date": str(exc)}) from exc
    if occurred_at is not None and effective_date is None:
        return max(occurred_at, last) if last is not None else occurred_at
    return rules.effective_moment(day, today=today, now=timezone.now(), last_event_at=last)


def _require_kind(user: Any, owner_id: int, model_id: Any) -> None:
    """HMC staff register and change assistive devices only (403 with the reason)."""
    if scope_for(user).assistive_only(Cap.REGISTER_EDIT, owner_id) and not (
        DeviceModel.objects.filter(pk=model_id, is_assistive=True).exists()
    ):
        raise PermissionDenied(str(ASSISTIVE_ONLY_REFUSAL))


@transaction.atomic
def device_create(
    *,
    user: Any,
    asset_number: str,
    model: DeviceModel | int,
    owner: Organisation | int,
    location: Location | int | None = None,
    barcode: str = "",
    registered_at: dt.datetime | None = None,
    **fields: Any,
) -> Device:
    """Register a new device; a scanned barcode fills its UDI fields."""
    owner_obj = _org_for(user, owner, Cap.REGISTER_EDIT, "owner")
    if barcode:
        apply_barcode(fields, barcode)
    unknown = set(fields) - set(EDITABLE_FIELDS) - {"status"}
    if unknown:
        raise ValidationError({f: _("Unknown field.") for f in sorted(unknown)})
    model_id = model.pk if isinstance(model, DeviceModel) else model
    if not DeviceModel.objects.filter(pk=model_id).exists():
        raise ValidationError({"model": _("Unknown device model.")})
    _require_kind(user, owner_obj.pk, model_id)
    if "external_maintainer" in fields:
        fields["external_maintainer_id"] = _maintainer_for(user, fields.pop("external_maintainer"))
    device = Device(
        asset_number=(asset_number or "").strip(),
        model_id=model_id,
        owner=owner_obj,
        location=_location_for(user, location),
        **fields,
    )
    device.full_clean()
    device.save()
    device_record_event(
        device=device,
        kind=EventKind.CREATED,
        actor=user,
        data={"asset_number": device.asset_number, "model": device.model_id, "owner": device.owner_id},
        occurred_at=registered_at,
    )
    run_devices_changed(Device.objects.filter(pk=device.pk))
    return device


@transaction.atomic
def device_update(*, user: Any, device: Device, **changes: Any) -> Device:
    """Change a device's descriptive fields; records what changed, before and after."""
    device = Device.objects.select_for_update().get_visible(user, Cap.REGISTER_EDIT, pk=device.pk)
    barcode = changes.pop("barcode", "")
    if barcode:
        apply_barcode(changes, barcode)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({f: _("This field cannot be changed here.") for f in sorted(unknown)})
    if "external_maintainer" in changes:
        changes["external_maintainer"] = _maintainer_for(user, changes["external_maintainer"])
    if "model" in changes:
        new_model = changes["model"]
        _require_kind(
            user, device.owner_id, new_model.pk if isinstance(new_model, models.Model) else new_model
        )
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, value in changes.items():
        attname = getattr(Device._meta.get_field(name), "attname", name)
        if isinstance(value, models.Model):
            value = value.pk
        old = getattr(device, attname)
        if old != value:
            before[name], after[name] = old, value
            setattr(device, attname, value)
    if not after:
        return device
    device.full_clean()
    device.save()
    device_record_event(
        device=device, kind=EventKind.UPDATED, actor=user, data={"before": before, "after": after}
    )
    if "model" in after:
        run_devices_changed(Device.objects.filter(pk=device.pk))
    return device


@transaction.atomic
def device_move(
    *,
    user: Any,
    device: Device,
    location: Location | int | None,
    occurred_at: dt.datetime | None = None,
    effective_date: dt.date | None = None,
) -> Device:
    """Move a device to another placement within its owner, now or as of a past day."""
    device = Device.objects.select_for_update().get_visible(user, Cap.REGISTER_EDIT, pk=device.pk)
    occurred_at = _changed_at(device, effective_date, occurred_at)
    new_location = _location_for(user, location)
    if new_location is not None and new_location.organisation_id != device.owner_id:
        raise ValidationError({"location": _("The placement must be one of the owner's locations.")})
    before = device.location_id
    if before == (new_location.pk if new_location else None):
        raise ValidationError({"location": _("The device is already there.")})
    device.location = new_location
    device.save(update_fields=["location", "updated_at"])
    device_record_event(
        device=device,
        kind=EventKind.MOVED,
        actor=user,
        data={"before": before, "after": device.location_id},
        occurred_at=occurred_at,
    )
    return device


@transaction.atomic
def device_change_owner(
    *,
    user: Any,
    device: Device,
    owner: Organisation | int,
    location: Location | int | None = None,
    occurred_at: dt.datetime | None = None,
    effective_date: dt.date | None = None,
) -> Device:
    """Transfer a device to another owner (both within the user's reach), optionally placing it.

    Now, or as of a past day (`effective_date`): the as-of counts and billing follow that day.
    """
    device = Device.objects.select_for_update().get_visible(user, Cap.REGISTER_EDIT, pk=device.pk)
    occurred_at = _changed_at(device, effective_date, occurred_at)
    new_owner = _org_for(user, owner, Cap.REGISTER_EDIT, "owner")
    if new_owner.pk == device.owner_id:
        raise ValidationError({"owner": _("The device already belongs to this organisation.")})
    new_location = _location_for(user, location)
    if new_location is not None and new_location.organisation_id != new_owner.pk:
        raise ValidationError({"location": _("The placement must be one of the new owner's locations.")})
    before = {"owner": device.owner_id, "location": device.location_id}
    device.owner = new_owner
    device.location = new_location
    device.save(update_fields=["owner", "location", "updated_at"])
    device_record_event(
        device=device,
        kind=EventKind.OWNER_CHANGED,
        actor=user,
        data={"before": before, "after": {"owner": device.owner_id, "location": device.location_id}},
        occurred_at=occurred_at,
    )
    return device


@transaction.atomic
def device_change_status(
    *,
    user: Any,
    device: Device,
    status: str,
    reason: str = "",
    occurred_at: dt.datetime | None = None,
    capability: str = Cap.REGISTER_EDIT,
    subject: models.Model | None = None,
    effective_date: dt.date | None = None,
) -> Device:
    """Move a device along its lifecycle, now or as of a past day; an illegal jump is refused with the reason.

    Other apps pass their own capability (e.g. surplus decisions) and the record that caused it.
    """
    device = Device.objects.select_for_update().get_visible(user, capability, pk=device.pk)
    occurred_at = _changed_at(device, effective_date, occurred_at)
    try:
        rules.check_transition(device.status, status)
        rules.check_status_fits_kind(status, is_assistive=device.model.is_assistive)
    except rules.IllegalTransition as exc:
        raise ValidationError({"status": str(exc)}) from exc
    run_status_guards(device, status)
    before = device.status
    device.status = status
    device.save(update_fields=["status", "updated_at"])
    device_record_event(
        device=device,
        kind=EventKind.STATUS_CHANGED,
        actor=user,
        data={"before": before, "after": status, "reason": reason},
        message=reason,
        occurred_at=occurred_at or timezone.now(),
        subject=subject,
    )
    return device


@transaction.atomic
def device_bulk_register(
    *, user: Any, devices: list[Device], registered_at: list[dt.datetime | None] | None = None
) -> list[Device]:
    """Register many already-validated devices in set-based inserts, with their creation events.

    Callers (the import, the demo data) validate rows first; this checks scope and asset-number
    uniqueness for the whole batch in a few queries, never one per row.
    """
    if not devices:
        return []
    scope = scope_for(user)
    allowed = None if scope.is_superuser else scope.org_ids(Cap.REGISTER_EDIT)
    if allowed is not None:
        foreign = {d.owner_id for d in devices} - set(allowed)
        if foreign:
            raise PermissionDenied(_("You may not register devices for that organisation."))
    numbers = [d.asset_number for d in devices]
    if len(set(numbers)) != len(numbers):
        raise ValidationError({"asset_number": _("The same asset number appears twice.")})
    taken: list[str] = []
    for start in range(0, len(numbers), 5000):
        chunk = numbers[start : start + 5000]
        taken += list(Device.objects.filter(asset_number__in=chunk).values_list("asset_number", flat=True))
    if taken:
        raise ValidationError(
            {
                "asset_number": _("Already registered: %(numbers)s")
                % {"numbers": ", ".join(sorted(taken)[:20])}
            }
        )
    created = Device.objects.bulk_create(devices, batch_size=2000)
    when = registered_at or [None] * len(created)
    from medtek.core.events import build_event, record_events

    record_events(
        build_event(
            kind=EventKind.CREATED,
            subject=device,
            actor=user,
            data={"asset_number": device.asset_number, "model": device.model_id, "owner": device.owner_id},
            occurred_at=at,
            device_snapshot=device.snapshot(),
        )
        for device, at in zip(created, when, strict=True)
    )
    ids = [d.pk for d in created]
    run_devices_changed(Device.objects.filter(pk__gte=min(ids), pk__lte=max(ids)))
    return created


@transaction.atomic
def saved_filter_save(*, user: Any, name: str, query: Mapping[str, Any]) -> SavedFilter:
    """Save the device list's current filter under a name of the user's (the same name replaces it).

    Only the list's own filters are kept, each checked as the list checks it.
    """
    from urllib.parse import urlencode

    from medtek.inventory.filters import DeviceFilter

    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the filter a name.")})
    filters = DeviceFilter.from_params(query)
    saved, _created = SavedFilter.objects.update_or_create(
        owner=user, name=name[:100], defaults={"query": urlencode(filters.as_query())}
    )
    return saved


@transaction.atomic
def saved_filter_delete(*, user: Any, saved_filter: int) -> None:
    """Remove one of the user's saved filters (another user's is not found)."""
    from django.http import Http404

    deleted, _rows = SavedFilter.objects.filter(owner=user, pk=saved_filter).delete()
    if not deleted:
        raise Http404("No saved filter matches the given query.")
