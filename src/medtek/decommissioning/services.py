"""Every write of the surplus process: register, assess, decide, decommission, hand over, ship, follow up.

Each service is atomic and refuses with the routine's own reason; nothing is half-written.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medtek.core.events import record_event
from medtek.decommissioning import rules
from medtek.decommissioning.choices import (
    CaseStatus,
    ChecklistStep,
    Disposition,
    EventKind,
    ItemKind,
    ItemState,
    Register,
    ShipmentStatus,
    SourceOutcome,
    SurplusReason,
    WasteCategory,
    WipeMethod,
)
from medtek.decommissioning.hooks import run_step_guards
from medtek.decommissioning.models import (
    AidAgreement,
    ChecklistEntry,
    DonationShipment,
    SurplusCase,
    SurplusItem,
)
from medtek.inventory import rules as inventory_rules
from medtek.inventory.choices import DeviceStatus
from medtek.inventory.models import Device, DeviceModel
from medtek.inventory.services import device_change_owner, device_change_status, device_record_event
from medtek.organizations import graph
from medtek.organizations.choices import OrganisationKind
from medtek.organizations.models import Location, Organisation
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for


def sterile_min_months() -> int:
    """The routine's minimum shelf life for aid, in months (3 in 2026; earlier versions said 6)."""
    return int(settings.MEDTEK["STERILE_AID_MIN_MONTHS"])


def _raise(refusals: Sequence[rules.Refusal]) -> None:
    if refusals:
        errors: dict[str, list[str]] = {}
        for refusal in refusals:
            errors.setdefault(refusal.field, []).append(refusal.message)
        raise ValidationError(errors)


def _today() -> dt.date:
    return timezone.localdate()


# --- Who decides a case -----------------------------------------------------------------------------


def _require_department(user: Any, case: SurplusCase) -> None:
    """Only the department the routine sends the case to decides it (MTH, or HMC for assistive devices)."""
    if case.department_id is None or scope_for(user).is_superuser:
        return
    # MTH holds the overall mandate for aid decisions ("övergripande uppdrag till biståndsavgöranden"),
    # so it may decide an assistive-device case too; HMC decides only its own.
    allowed = {case.department_id}
    overall = graph.serving_department(case.organisation, assistive_only=False)
    if overall is not None:
        allowed.add(overall.pk)
    if graph.holds_capability_in(user, allowed, Cap.SURPLUS_DECIDE):
        return
    raise PermissionDenied(
        _(
            "This case is handled by %(department)s: the routine sends surplus medical devices to MTH "
            "and assistive devices to HMC."
        )
        % {"department": case.department}
    )


# --- Registering surplus ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LotSpec:
    """A lot of consumables or sterile goods to register as surplus."""

    model: int
    quantity: int
    lot_number: str = ""
    expiry_date: dt.date | None = None
    reason: str = ""


def _unknown_devices_error(ids: Iterable[int]) -> ValidationError:
    return ValidationError(
        {
            "devices": _(
                "Unknown device, or not one of your organisation's devices (a unit registers only its "
                "own devices as surplus): %(ids)s."
            )
            % {"ids": ", ".join(str(i) for i in sorted(ids))}
        }
    )


@transaction.atomic
def surplus_case_register(
    *,
    user: Any,
    reason: str,
    devices: Sequence[int] = (),
    lots: Sequence[LotSpec] = (),
    organisation: Organisation | int | None = None,
    note: str = "",
    device_reasons: dict[int, str] | None = None,
) -> SurplusCase:
    """Register devices and lots as surplus (övertaliga); MTH gets the case, or HMC for assistive devices."""
    scope_for(user).require(Cap.SURPLUS_REGISTER)
    if reason not in SurplusReason.values:
        raise ValidationError({"reason": _("Choose why the equipment is surplus.")})
    device_reasons = device_reasons or {}
    for r in device_reasons.values():
        if r not in SurplusReason.values:
            raise ValidationError({"reason": _("Choose why the equipment is surplus.")})
    device_ids = list(dict.fromkeys(int(d) for d in devices))
    if not device_ids and not lots:
        raise ValidationError({"devices": _("Register at least one device or lot as surplus.")})
    found = list(
        Device.objects.select_for_update()
        .visible_to(user, Cap.SURPLUS_REGISTER)
        .select_related("model", "owner")
        .filter(pk__in=device_ids)
    )
    missing = set(device_ids) - {d.pk for d in found}
    if missing:
        raise _unknown_devices_error(missing)
    org = _case_organisation(user, organisation, found)
    open_items = dict(
        SurplusItem.objects.filter(
            device__in=found, state__in=[ItemState.REGISTERED, ItemState.DECIDED]
        ).values_list("device_id", "case_id")
    )
    # Each refusal names its device (`params["device"]`), so a page can show it at the row it was typed in.
    errors: list[ValidationError] = []
    for device in sorted(found, key=lambda d: d.asset_number):
        if device.pk in open_items:
            errors.append(
                ValidationError(
                    _("%(asset)s is already registered as surplus (case %(case)s)."),
                    code="already_surplus",
                    params={"asset": device.asset_number, "case": open_items[device.pk], "device": device.pk},
                )
            )
            continue
        try:
            inventory_rules.check_transition(device.status, DeviceStatus.SURPLUS)
        except inventory_rules.IllegalTransition as exc:
            errors.append(
                ValidationError(
                    _("%(asset)s cannot be registered as surplus: %(why)s."),
                    code="not_surplus",
                    params={"asset": device.asset_number, "why": str(exc), "device": device.pk},
                )
            )
    if errors:
        raise ValidationError({"devices": errors})
    lot_models = {m.pk: m for m in DeviceModel.objects.filter(pk__in=[lot.model for lot in lots])}
    lot_errors: list[str] = []
    for n, lot in enumerate(lots, start=1):
        model = lot_models.get(lot.model)
        if model is None:
            lot_errors.append(_("Lot %(n)s: unknown device model.") % {"n": n})
        elif lot.quantity < 1:
            lot_errors.append(_("Lot %(n)s: the quantity must be at least 1.") % {"n": n})
        elif model.is_sterile and lot.expiry_date is None:
            lot_errors.append(_("Lot %(n)s: sterile goods need their expiry date.") % {"n": n})
        elif lot.reason and lot.reason not in SurplusReason.values:
            lot_errors.append(_("Lot %(n)s: choose why it is surplus.") % {"n": n})
    if lot_errors:
        raise ValidationError({"lots": lot_errors})

    assistive = [d.model.is_assistive for d in found] + [lot_models[lot.model].is_assistive for lot in lots]
    case = SurplusCase(
        organisation=org,
        department=graph.serving_department(
            org, assistive_only=rules.goes_to_assistive_centre(assistive_flags=assistive)
        ),
        registered_by=user,
        note=note,
    )
    case.full_clean()
    case.save()
    for device in sorted(found, key=lambda d: d.asset_number):
        item = SurplusItem(
            case=case,
            kind=ItemKind.DEVICE,
            device=device,
            device_model=device.model,
            quantity=1,
            lot_number=device.lot,
            expiry_date=device.expiry_date,
            reason=device_reasons.get(device.pk, reason),
        )
        item.full_clean()
        item.save()
        device_change_status(
            user=user,
            device=device,
            status=DeviceStatus.SURPLUS,
            reason=_("Registered as surplus in case %(case)s: %(reason)s")
            % {"case": case.pk, "reason": SurplusReason(item.reason).label},
            capability=Cap.SURPLUS_REGISTER,
            subject=item,
        )
    for lot in lots:
        item = SurplusItem(
            case=case,
            kind=ItemKind.LOT,
            device_model=lot_models[lot.model],
            quantity=lot.quantity,
            lot_number=lot.lot_number.strip(),
            expiry_date=lot.expiry_date,
            reason=lot.reason or reason,
        )
        item.full_clean()
        item.save()
    record_event(
        kind=EventKind.CASE_REGISTERED,
        subject=case,
        actor=user,
        data={
            "organisation": org.pk,
            "department": case.department_id,
            "devices": [d.pk for d in found],
            "lots": len(lots),
            "reason": reason,
        },
    )
    return case


def _case_organisation(
    user: Any, organisation: Organisation | int | None, devices: list[Device]
) -> Organisation:
    owners = {d.owner_id for d in devices}
    if len(owners) > 1:
        raise ValidationError({"devices": _("One case holds the devices of one organisation only.")})
    scope = scope_for(user)
    if organisation is not None:
        org_id = organisation.pk if isinstance(organisation, Organisation) else int(organisation)
        if not scope.can(Cap.SURPLUS_REGISTER, org_id):
            raise ValidationError(
                {"organisation": _("Unknown organisation, or one you may not register surplus for.")}
            )
        if owners and owners != {org_id}:
            raise ValidationError(
                {"devices": _("The devices must belong to the organisation that registers the case.")}
            )
        return Organisation.objects.get(pk=org_id)
    if owners:
        return devices[0].owner
    home = [o for o in scope.home_org_ids if scope.can(Cap.SURPLUS_REGISTER, o)]
    if len(home) == 1:
        return Organisation.objects.get(pk=home[0])
    raise ValidationError({"organisation": _("Name the organisation that has the surplus.")})


# --- Assessment and decision -------------------------------------------------------------------------


def _lock_item(user: Any, item: SurplusItem | int, capability: str) -> SurplusItem:
    pk = item.pk if isinstance(item, SurplusItem) else item
    return (
        SurplusItem.objects.select_for_update(of=("self",))
        .select_related("case", "device", "device_model")
        .get_visible(user, capability, pk=pk)
    )


def _item_event(*, item: SurplusItem, kind: str, user: Any, data: dict[str, Any], message: str = "") -> None:
    """An item's event: on the device's history when it is a device, else on the item."""
    if item.device is not None:
        device = Device.objects.get(pk=item.device.pk)
        device_record_event(device=device, kind=kind, actor=user, data=data, message=message, subject=item)
    else:
        record_event(kind=kind, subject=item, actor=user, data=data, message=message)


def _require_open(item: SurplusItem) -> None:
    if item.state in (ItemState.HANDED_OVER, ItemState.REUSED):
        raise ValidationError(
            {
                "state": _("%(item)s is finished (%(state)s); nothing more can be recorded.")
                % {"item": item.label, "state": ItemState(item.state).label}
            }
        )


ASSESSMENT_FIELDS = (
    "condition",
    "accessories",
    "manuals_included",
    "functional_test_done",
    "estimated_value",
    "assessment_note",
)


@transaction.atomic
def surplus_item_assess(*, user: Any, item: SurplusItem | int, **changes: Any) -> SurplusItem:
    """Record MT's assessment: condition, accessories, manuals, functional test, estimated value."""
    obj = _lock_item(user, item, Cap.WORK_DO)
    _require_open(obj)
    unknown = set(changes) - set(ASSESSMENT_FIELDS)
    if unknown:
        raise ValidationError({f: _("This field cannot be changed here.") for f in sorted(unknown)})
    if changes.get("estimated_value") is not None and Decimal(changes["estimated_value"]) < 0:
        raise ValidationError({"estimated_value": _("The estimated value cannot be negative.")})
    after: dict[str, Any] = {}
    for name, value in changes.items():
        if value is None and name != "estimated_value":
            continue
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            after[name] = value
    if not after:
        return obj
    obj.full_clean()
    obj.save()
    _item_event(item=obj, kind=EventKind.ASSESSED, user=user, data=after)
    return obj


def _org_or_none(value: Organisation | int | None) -> Organisation | None:
    if value is None or isinstance(value, Organisation):
        return value
    return Organisation.objects.filter(pk=value).first()


def active_aid_agreement(
    *, recipient: Organisation, case_org: Organisation, day: dt.date
) -> AidAgreement | None:
    """The region's agreement with `recipient` in force on `day`, if any."""
    region_ids = sorted(graph.ancestor_ids(case_org))
    for agreement in AidAgreement.objects.filter(aid_organisation=recipient, region_id__in=region_ids):
        if agreement.active_on(day):
            return agreement
    return None


def _donatable(item: SurplusItem, day: dt.date) -> bool:
    """Whether the aid rules would allow donating the item on `day`: the region has an aid agreement in
    force and a sterile item has enough shelf life left."""
    region_ids = sorted(graph.ancestor_ids(item.case.organisation))
    if not any(a.active_on(day) for a in AidAgreement.objects.filter(region_id__in=region_ids)):
        return False
    return (
        rules.sterile_aid_refusal(
            is_sterile=item.is_sterile,
            expiry_date=item.expiry_date,
            shipment_date=day,
            min_months=sterile_min_months(),
        )
        is None
    )


def _decidable_item(*, user: Any, item: SurplusItem | int) -> SurplusItem:
    """The check every decision shares: the item, locked, is one the user's department decides, and it
    is not decided yet (a decision is made once per item)."""
    obj = _lock_item(user, item, Cap.SURPLUS_DECIDE)
    _require_department(user, obj.case)
    if obj.disposition:
        raise ValidationError(
            {
                "disposition": _(
                    "%(item)s is already decided (%(decision)s, %(day)s); a decision is made once per item."
                )
                % {
                    "item": obj.label,
                    "decision": Disposition(obj.disposition).label,
                    "day": timezone.localtime(obj.decided_at).date().isoformat() if obj.decided_at else "",
                }
            }
        )
    return obj


def _estimate(obj: SurplusItem, estimated_value: Decimal | None) -> None:
    if estimated_value is not None:
        if estimated_value < 0:
            raise ValidationError({"estimated_value": _("The estimated value cannot be negative.")})
        obj.estimated_value = estimated_value


def _donation_first(
    obj: SurplusItem, data: dict[str, Any], *, disposition: str, not_donated_reason: str
) -> None:
    """Donation first (H7): selling or destroying an item the aid rules would allow to donate needs the
    reason; checked after the decision's own rules so their refusals come first."""
    not_donated = rules.not_donated_refusal(
        disposition=disposition, donatable=_donatable(obj, _today()), reason=not_donated_reason or ""
    )
    if not_donated:
        _raise([not_donated])
    if (not_donated_reason or "").strip():
        obj.not_donated_reason = not_donated_reason.strip()
        data.update(not_donated_reason=obj.not_donated_reason)


def _record_decision(
    *,
    user: Any,
    obj: SurplusItem,
    disposition: str,
    data: dict[str, Any],
    note: str,
    then: Callable[[SurplusItem], None] | None = None,
) -> SurplusItem:
    """Write the decision and its one event, then what follows from it (`then`); a case whose items
    are all finished closes."""
    obj.disposition = disposition
    obj.decided_by = user
    obj.decided_at = timezone.now()
    obj.decision_note = note
    obj.state = ItemState.REUSED if disposition == Disposition.REUSE else ItemState.DECIDED
    obj.full_clean()
    obj.save()
    message = _("Decision: %(decision)s") % {"decision": Disposition(disposition).label}
    _item_event(
        item=obj,
        kind=EventKind.DECIDED,
        user=user,
        data={"disposition": disposition, **data},
        message=message,
    )
    if then is not None:
        then(obj)
    _close_case_if_done(obj.case)
    return obj


@transaction.atomic
def surplus_item_donate(
    *,
    user: Any,
    item: SurplusItem,
    recipient: Organisation | None = None,
    aid_agreement: AidAgreement | None = None,
    shipment_date: dt.date | None = None,
    estimated_value: Decimal | None = None,
    note: str = "",
) -> SurplusItem:
    """Decide to donate the item under the region's aid agreement in force on the shipment date (H1-H6)."""
    obj = _decidable_item(user=user, item=item)
    _estimate(obj, estimated_value)
    day = shipment_date or _today()
    agreement = None
    if aid_agreement is not None:
        if aid_agreement.region_id not in graph.ancestor_ids(obj.case.organisation):
            raise ValidationError({"aid_agreement": _("Unknown aid agreement for this region.")})
        agreement = aid_agreement
        recipient = recipient or agreement.aid_organisation
        if not agreement.active_on(day) or agreement.aid_organisation_id != recipient.pk:
            agreement = None
    elif recipient is not None:
        agreement = active_aid_agreement(recipient=recipient, case_org=obj.case.organisation, day=day)
    _raise(
        rules.donation_refusals(
            recipient_name=recipient.name if recipient else None,
            has_active_agreement=agreement is not None,
            on_date=day,
            is_sterile=obj.is_sterile,
            expiry_date=obj.expiry_date,
            min_months=sterile_min_months(),
        )
    )
    obj.aid_agreement = agreement
    obj.recipient = recipient
    data = {
        "recipient": recipient.pk if recipient else None,
        "aid_agreement": agreement.reference if agreement else "",
        "shipment_date": day,
    }
    return _record_decision(user=user, obj=obj, disposition=Disposition.DONATE, data=data, note=note)


@transaction.atomic
def surplus_item_sell(
    *,
    user: Any,
    item: SurplusItem,
    recipient: Organisation | None = None,
    estimated_value: Decimal | None = None,
    selling_costs: Decimal | None = None,
    buyer_is_end_customer: bool | None = None,
    distributor_responsibility: bool | None = None,
    note: str = "",
    not_donated_reason: str = "",
) -> SurplusItem:
    """Decide to sell the item to a named buyer that is no end customer, for more than it costs (H8)."""
    obj = _decidable_item(user=user, item=item)
    _estimate(obj, estimated_value)
    if selling_costs is not None and selling_costs < 0:
        raise ValidationError({"selling_costs": _("The costs of selling cannot be negative.")})
    _raise(
        rules.sale_refusals(
            buyer_name=recipient.name if recipient else None,
            buyer_kind=recipient.kind if recipient else None,
            estimated_value=obj.estimated_value,
            selling_costs=selling_costs,
            buyer_is_end_customer=buyer_is_end_customer,
            distributor_responsibility=distributor_responsibility,
        )
    )
    obj.recipient = recipient
    obj.selling_costs = selling_costs
    obj.buyer_is_end_customer = buyer_is_end_customer
    obj.distributor_responsibility = distributor_responsibility
    data: dict[str, Any] = {
        "recipient": recipient.pk if recipient else None,
        "estimated_value": str(obj.estimated_value),
        "selling_costs": str(selling_costs),
    }
    _donation_first(obj, data, disposition=Disposition.SELL, not_donated_reason=not_donated_reason)
    return _record_decision(user=user, obj=obj, disposition=Disposition.SELL, data=data, note=note)


@transaction.atomic
def surplus_item_trade_in(
    *,
    user: Any,
    item: SurplusItem,
    recipient: Organisation | None = None,
    contract_reference: str = "",
    mt_contact: Any = None,
    estimated_value: Decimal | None = None,
    note: str = "",
) -> SurplusItem:
    """Decide to trade the item in with the supplier of its replacement, under the purchase contract."""
    obj = _decidable_item(user=user, item=item)
    _estimate(obj, estimated_value)
    contact = _mt_contact(user, mt_contact)
    _raise(
        rules.trade_in_refusals(
            recipient_name=recipient.name if recipient else None,
            recipient_is_supplier=bool(recipient and recipient.kind == OrganisationKind.SUPPLIER),
            on_reinvestment=rules.on_reinvestment(obj.reason),
            contract_reference=contract_reference or "",
            mt_involved=contact is not None,
        )
    )
    obj.recipient = recipient
    obj.contract_reference = contract_reference.strip()
    obj.mt_contact = contact
    data = {
        "recipient": recipient.pk if recipient else None,
        "contract_reference": obj.contract_reference,
        "mt_contact": contact.pk if contact else None,
    }
    return _record_decision(user=user, obj=obj, disposition=Disposition.TRADE_IN, data=data, note=note)


@transaction.atomic
def surplus_item_destroy(
    *,
    user: Any,
    item: SurplusItem,
    waste_category: str = "",
    estimated_value: Decimal | None = None,
    note: str = "",
    not_donated_reason: str = "",
) -> SurplusItem:
    """Decide to destroy the item as waste of its category."""
    obj = _decidable_item(user=user, item=item)
    _estimate(obj, estimated_value)
    if waste_category and waste_category not in WasteCategory.values:
        raise ValidationError({"waste_category": _("Unknown waste category.")})
    _raise(rules.destroy_refusals(waste_category=waste_category))
    obj.waste_category = waste_category
    data: dict[str, Any] = {"waste_category": waste_category}
    _donation_first(obj, data, disposition=Disposition.DESTROY, not_donated_reason=not_donated_reason)
    return _record_decision(user=user, obj=obj, disposition=Disposition.DESTROY, data=data, note=note)


@transaction.atomic
def surplus_item_reuse(
    *,
    user: Any,
    item: SurplusItem,
    reuse_owner: Organisation | None = None,
    reuse_location: Location | int | None = None,
    estimated_value: Decimal | None = None,
    note: str = "",
) -> SurplusItem:
    """Decide to reuse the item inside the region: the device is in use again, with its new owner."""
    obj = _decidable_item(user=user, item=item)
    _estimate(obj, estimated_value)
    if reuse_owner is not None:
        region = graph.region_of(obj.case.organisation)
        if region.pk not in graph.ancestor_ids(reuse_owner):
            raise ValidationError(
                {
                    "reuse_owner": _("Reuse is inside the region: %(org)s is not part of %(region)s.")
                    % {"org": reuse_owner, "region": region}
                }
            )
    obj.reuse_owner = reuse_owner

    def back_in_use(decided: SurplusItem) -> None:
        if decided.device is None:
            return
        device = device_change_status(
            user=user,
            device=decided.device,
            status=DeviceStatus.IN_USE,
            reason=_("Reused in the region (case %(case)s)") % {"case": decided.case_id},
            capability=Cap.SURPLUS_DECIDE,
            subject=decided,
        )
        if reuse_owner is not None and reuse_owner.pk != device.owner_id:
            device_change_owner(user=user, device=device, owner=reuse_owner, location=reuse_location)

    data = {"reuse_owner": reuse_owner.pk if reuse_owner else None}
    return _record_decision(
        user=user, obj=obj, disposition=Disposition.REUSE, data=data, note=note, then=back_in_use
    )


# The decision services by disposition: a page or API that takes the disposition as data picks here.
SURPLUS_DECISIONS: dict[str, Callable[..., SurplusItem]] = {
    Disposition.REUSE: surplus_item_reuse,
    Disposition.DONATE: surplus_item_donate,
    Disposition.SELL: surplus_item_sell,
    Disposition.TRADE_IN: surplus_item_trade_in,
    Disposition.DESTROY: surplus_item_destroy,
}


def _found(model: Any, value: Any, field: str, message: str) -> Any:
    """The row `value` names (an object or an id), or the field's error; None stays None."""
    if value is None or isinstance(value, model):
        return value
    found = model.objects.filter(pk=value).first()
    if found is None:
        raise ValidationError({field: message})
    return found


@transaction.atomic
def surplus_item_decide(
    *, user: Any, item: SurplusItem | int, disposition: str, **fields: Any
) -> SurplusItem:
    """MT's decision for one item, the disposition given as data (the page's and API's one form): the
    service of that disposition decides, with the fields it takes; ids in them are looked up here."""
    decide = SURPLUS_DECISIONS.get(disposition)
    if decide is None:
        _decidable_item(user=user, item=item)  # a foreign or decided item says so first
        raise ValidationError({"disposition": _("Choose reuse, donate, sell, trade in or destroy.")})
    taken = inspect.signature(decide).parameters
    given = {name: value for name, value in fields.items() if name in taken}
    lookups = {
        "recipient": (Organisation, _("Unknown organisation.")),
        "reuse_owner": (Organisation, _("Unknown organisation.")),
        "aid_agreement": (AidAgreement, _("Unknown aid agreement for this region.")),
        "mt_contact": (get_user_model(), _("The person named is not MT staff.")),
    }
    for name, (model, message) in lookups.items():
        if name in given:
            given[name] = _found(model, given[name], name, message)
    return decide(user=user, item=item, **given)


def _mt_contact(user: Any, mt_contact: Any) -> Any:
    """The MT person involved in a trade-in: the one named, or the deciding user when they are MT."""
    if mt_contact is not None:
        if not graph.is_mt_person(mt_contact):
            raise ValidationError({"mt_contact": _("The person named is not MT staff.")})
        return mt_contact
    return user if graph.is_mt_person(user) else None


def _close_case_if_done(case: SurplusCase) -> None:
    if (
        case.status == CaseStatus.OPEN
        and not case.items.filter(state__in=[ItemState.REGISTERED, ItemState.DECIDED]).exists()
    ):
        case.status = CaseStatus.CLOSED
        case.closed_at = timezone.now()
        case.save(update_fields=["status", "closed_at", "updated_at"])


# --- Decommissioning checklist ------------------------------------------------------------------------


def item_required_steps(item: SurplusItem) -> list[str]:
    return rules.required_steps(
        kind=item.kind,
        disposition=item.disposition,
        stores_patient_data=item.stores_patient_data,
        has_radiation_source=item.has_radiation_source,
    )


def item_open_steps(item: SurplusItem, done: Iterable[str] | None = None) -> list[str]:
    if done is None:
        done = [e.step for e in item.checklist.all()]
    return rules.open_steps(item_required_steps(item), done)


@transaction.atomic
def surplus_item_record_step(
    *,
    user: Any,
    item: SurplusItem | int,
    step: str,
    done_at: dt.datetime | None = None,
    method: str = "",
    performed_by: str = "",
    note: str = "",
    verified_by: Any = None,
    evidence: dict[str, Any] | None = None,
) -> ChecklistEntry:
    """Record one decommissioning step (förteckning, avregistrering, tömning av patientdata, ...) as done,
    with the evidence the step requires; a step without it is refused with the reason named."""
    obj = _lock_item(user, item, Cap.WORK_DO)
    _require_open(obj)
    if step not in ChecklistStep.values:
        raise ValidationError({"step": _("Unknown decommissioning step.")})
    label = ChecklistStep(step).label
    if obj.checklist.filter(step=step).exists():
        raise ValidationError(
            {"step": _("%(step)s is already recorded for %(item)s.") % {"step": label, "item": obj.label}}
        )
    now = timezone.now()
    done_at = done_at or now
    if done_at > now + dt.timedelta(minutes=5):
        raise ValidationError({"done_at": _("A step cannot be recorded as done in the future.")})
    if step == ChecklistStep.PATIENT_DATA_WIPED and not method.strip():
        raise ValidationError(
            {"method": _("Record how the patient data was wiped (method), as GDPR requires documentation.")}
        )
    if step in (
        ChecklistStep.DEREGISTRATION,
        ChecklistStep.PATIENT_DATA_WIPED,
        ChecklistStep.RADIATION_PROTECTION,
    ) and (obj.kind == ItemKind.LOT):
        raise ValidationError(
            {"step": _("%(step)s concerns registered devices, not lots.") % {"step": label}}
        )
    evidence = _clean_evidence(step, evidence or {})
    if step == ChecklistStep.DEREGISTRATION and not evidence.get("registers"):
        # Handing over takes the device out of this register itself; other registers are named.
        evidence["registers"] = [Register.DEVICE_REGISTER.value]
    verifier = _verifier(obj, verified_by)
    missing = rules.evidence_refusals(
        step=step,
        method=method,
        evidence=evidence,
        done_by_id=user.pk,
        verified_by_id=None if verifier is None else verifier.pk,
        today=_today(),
    )
    if missing:
        raise ValidationError({field: [message] for field, message in missing.items()})
    run_step_guards(obj, step, evidence)
    entry = ChecklistEntry(
        item=obj,
        step=step,
        done_at=done_at,
        done_by=user,
        method=method.strip(),
        performed_by=performed_by.strip(),
        note=note,
        verified_by=verifier,
        evidence={
            k: v.isoformat() if isinstance(v, dt.date) else str(v) if isinstance(v, Decimal) else v
            for k, v in evidence.items()
        },
    )
    entry.full_clean()
    entry.save()
    _item_event(
        item=obj,
        kind=EventKind.step_done(step),
        user=user,
        data={
            "step": step,
            "done_at": done_at,
            "method": entry.method,
            "performed_by": entry.performed_by,
            "note": note,
            "verified_by": None if verifier is None else verifier.pk,
            "evidence": entry.evidence,
        },
        message=str(label),
    )
    return entry


EVIDENCE_FIELDS: dict[str, tuple[str, ...]] = {
    ChecklistStep.PATIENT_DATA_WIPED: ("wipe_method",),
    ChecklistStep.RADIATION_PROTECTION: (
        "source_outcome",
        "receiver",
        "licence_reference",
        "ssm_notified_on",
    ),
    ChecklistStep.DEREGISTRATION: ("registers", "fixed_asset_number", "book_value", "disposal"),
}


def _clean_evidence(step: str, evidence: dict[str, Any]) -> dict[str, Any]:
    """The step's own evidence fields, checked for form; a value of the wrong kind is refused by name."""
    allowed = EVIDENCE_FIELDS.get(step, ())
    out: dict[str, Any] = {}
    for name in allowed:
        value = evidence.get(name)
        if value in (None, "", []):
            continue
        if name == "wipe_method" and value not in WipeMethod.values:
            raise ValidationError({name: _("Unknown wiping method.")})
        if name == "source_outcome" and value not in SourceOutcome.values:
            raise ValidationError({name: _("Unknown outcome for the radiation source.")})
        if name == "registers":
            values = [value] if isinstance(value, str) else list(value)
            if any(v not in Register.values for v in values):
                raise ValidationError({name: _("Unknown register.")})
            value = values
        if name == "ssm_notified_on" and not isinstance(value, dt.date):
            try:
                value = dt.date.fromisoformat(str(value))
            except ValueError as exc:
                raise ValidationError({name: _("Give the date as YYYY-MM-DD.")}) from exc
        if name == "book_value":
            try:
                value = Decimal(str(value))
            except ArithmeticError as exc:
                raise ValidationError({name: _("Give the book value in kronor.")}) from exc
            if not value.is_finite() or value < 0:
                raise ValidationError({name: _("Give the book value in kronor.")})
        if isinstance(value, str):
            value = value.strip()[:200]
        out[name] = value
    return out


def _verifier(item: SurplusItem, verified_by: Any) -> Any:
    """The user who verified a step: one who may work on the item's decommissioning, else refused."""
    if verified_by in (None, ""):
        return None
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    found = (
        verified_by
        if hasattr(verified_by, "pk")
        else users.filter(
            **({"pk": verified_by} if isinstance(verified_by, int) else {"username": verified_by})
        ).first()
    )
    if found is None or not scope_for(found).can(Cap.WORK_DO, item.case.organisation_id):
        raise ValidationError(
            {"verified_by": _("The verifier must be a user who may work on this item's decommissioning.")}
        )
    return found


def _hand_over_one(*, user: Any, item: SurplusItem, reason: str, done: list[str] | None = None) -> None:
    refusal = rules.hand_over_refusal(
        label=item.label,
        open_step_labels=[str(ChecklistStep(s).label) for s in item_open_steps(item, done)],
    )
    _raise([refusal] if refusal else [])
    item.state = ItemState.HANDED_OVER
    item.handed_over_on = _today()
    item.handed_over_by = user
    item.save(update_fields=["state", "handed_over_on", "handed_over_by", "updated_at"])
    final = rules.FINAL_DEVICE_STATUS[Disposition(item.disposition)]
    if item.device is not None:
        device = device_change_status(
            user=user,
            device=item.device,
            status=DeviceStatus.DECOMMISSIONED,
            reason=_("Decommissioned (case %(case)s)") % {"case": item.case_id},
            capability=Cap.SURPLUS_DECIDE,
            subject=item,
        )
        device_change_status(
            user=user, device=device, status=final, reason=reason, capability=Cap.SURPLUS_DECIDE, subject=item
        )
    else:
        record_event(
            kind=EventKind.HANDED_OVER,
            subject=item,
            actor=user,
            data={"disposition": item.disposition, "recipient": item.recipient_id, "quantity": item.quantity},
            message=reason,
        )


def _hand_over_reason(item: SurplusItem, shipment: DonationShipment | None = None) -> str:
    if item.disposition == Disposition.DONATE and shipment is not None:
        return _("Donated to %(org)s (agreement %(ref)s, shipment %(shipment)s)") % {
            "org": shipment.aid_agreement.aid_organisation,
            "ref": shipment.aid_agreement.reference,
            "shipment": shipment.pk,
        }
    if item.disposition == Disposition.SELL:
        return _("Sold to %(org)s") % {"org": item.recipient or "?"}
    if item.disposition == Disposition.TRADE_IN:
        return _("Traded in to %(org)s (contract %(ref)s)") % {
            "org": item.recipient,
            "ref": item.contract_reference,
        }
    return _("Destroyed as %(category)s") % {"category": WasteCategory(item.waste_category).label}


@transaction.atomic
def surplus_item_hand_over(*, user: Any, item: SurplusItem | int) -> SurplusItem:
    """The item leaves today (sold, traded in or destroyed); a device leaves the register from today."""
    obj = _lock_item(user, item, Cap.SURPLUS_DECIDE)
    _require_department(user, obj.case)
    _require_open(obj)
    if not obj.disposition:
        raise ValidationError(
            {"disposition": _("Decide what happens to %(item)s first.") % {"item": obj.label}}
        )
    if obj.disposition == Disposition.DONATE:
        raise ValidationError(
            {
                "shipment": _("A donation leaves with its shipment: add %(item)s to a donation shipment.")
                % {"item": obj.label}
            }
        )
    _hand_over_one(user=user, item=obj, reason=_hand_over_reason(obj))
    _close_case_if_done(obj.case)
    return obj


# --- Aid agreements and donation shipments ------------------------------------------------------------


def _aid_agreement_checked(
    *, user: Any, agreement: AidAgreement, aid_organisation: Organisation | int
) -> None:
    """The one validation of an aid agreement, new or changed (not saved): the user manages the region's
    agreements, the other party is an aid organisation, a reference the region has not used, and the
    dates in order."""
    scope_for(user).require(Cap.AGREEMENT_MANAGE)
    if not scope_for(user).can(Cap.VIEW, agreement.region_id):
        raise ValidationError({"region": _("Unknown organisation.")})
    scope_for(user).require(Cap.AGREEMENT_MANAGE, agreement.region_id)
    aid_id = aid_organisation.pk if isinstance(aid_organisation, Organisation) else aid_organisation
    aid = Organisation.objects.filter(pk=aid_id).first() if aid_id is not None else None
    if aid is None:
        raise ValidationError({"aid_organisation": _("Unknown organisation.")})
    agreement.aid_organisation = aid
    agreement.reference = (agreement.reference or "").strip()
    agreement.full_clean()


@transaction.atomic
def aid_agreement_create(
    *,
    user: Any,
    region: Organisation | int,
    aid_organisation: Organisation | int,
    reference: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    contact: Any = None,
    notes: str = "",
) -> AidAgreement:
    """Record the region's agreement with an aid organisation (e.g. Human Bridge, RS130364)."""
    scope_for(user).require(Cap.AGREEMENT_MANAGE)
    region_id = region.pk if isinstance(region, Organisation) else int(region)
    agreement = AidAgreement(
        region_id=region_id,
        reference=reference,
        valid_from=valid_from,
        valid_to=valid_to,
        contact=contact,
        notes=notes,
    )
    _aid_agreement_checked(user=user, agreement=agreement, aid_organisation=aid_organisation)
    agreement.save()
    record_event(
        kind=EventKind.AID_AGREEMENT_CREATED,
        subject=agreement,
        actor=user,
        data={
            "region": region_id,
            "aid_organisation": agreement.aid_organisation_id,
            "reference": agreement.reference,
        },
    )
    return agreement


# What may change on an aid agreement: the region's (its tenant) never does.
AID_AGREEMENT_FIELDS = ("aid_organisation", "reference", "valid_from", "valid_to", "notes")


def _aid_agreement_values(agreement: AidAgreement) -> dict[str, Any]:
    return {
        "aid_organisation": agreement.aid_organisation_id,
        "reference": agreement.reference,
        "valid_from": agreement.valid_from,
        "valid_to": agreement.valid_to,
        "notes": agreement.notes,
    }


def _keeps_donations(agreement: AidAgreement, *, was_with: int) -> None:
    """What was donated under the agreement stays under it: its aid organisation once an item is decided
    or shipped to it, and every shipment's dates within its period."""
    used = agreement.shipments.exists() or SurplusItem.objects.filter(aid_agreement=agreement).exists()
    if agreement.aid_organisation_id != was_with and used:
        raise ValidationError(
            {
                "aid_organisation": _(
                    "Donations have been decided or shipped under %(reference)s: its aid organisation "
                    "stays. Record a new aid agreement with the other organisation."
                )
                % {"reference": agreement.reference}
            }
        )
    for shipment in agreement.shipments.order_by("shipment_date", "pk"):
        for day in (shipment.shipment_date, shipment.handed_over_on):
            if day is not None and not agreement.active_on(day):
                field = "valid_from" if day < agreement.valid_from else "valid_to"
                raise ValidationError(
                    {
                        field: _(
                            "Shipment %(shipment)s went under this agreement on %(day)s: "
                            "the agreement stays valid on that day."
                        )
                        % {"shipment": shipment.pk, "day": day.isoformat()}
                    }
                )


@transaction.atomic
def aid_agreement_update(*, user: Any, agreement: AidAgreement | int, **changes: Any) -> AidAgreement:
    """Change an aid agreement's organisation, reference, period or notes; validated as a new one is.

    The region never changes; the aid organisation not once donations were decided or shipped under
    the agreement, and the period keeps every shipment's dates. One event records what changed, before
    and after; a refusal writes nothing.
    """
    pk = agreement.pk if isinstance(agreement, AidAgreement) else agreement
    obj = (
        AidAgreement.objects.select_for_update(of=("self",))
        .select_related("region", "aid_organisation")
        .get_visible(user, Cap.AGREEMENT_MANAGE, pk=pk)
    )
    unknown = sorted(set(changes) - set(AID_AGREEMENT_FIELDS))
    if unknown:
        raise ValidationError({f: _("This cannot be changed on an aid agreement.") for f in unknown})
    before = _aid_agreement_values(obj)
    for name in ("reference", "valid_from", "valid_to", "notes"):
        if name in changes:
            setattr(obj, name, changes[name] if name != "notes" else (changes[name] or ""))
    _aid_agreement_checked(
        user=user, agreement=obj, aid_organisation=changes.get("aid_organisation", obj.aid_organisation_id)
    )
    _keeps_donations(obj, was_with=before["aid_organisation"])
    after = _aid_agreement_values(obj)
    changed = [name for name in after if after[name] != before[name]]
    if not changed:
        return obj
    obj.save()
    record_event(
        kind=EventKind.AID_AGREEMENT_UPDATED,
        subject=obj,
        actor=user,
        data={
            "before": {n: before[n] for n in changed},
            "after": {n: after[n] for n in changed},
        },
        message=str(obj),
    )
    return obj


def _check_for_shipment(items: list[SurplusItem], agreement: AidAgreement, day: dt.date) -> list[str]:
    errors: list[str] = []
    for item in items:
        if item.disposition != Disposition.DONATE or item.recipient_id != agreement.aid_organisation_id:
            errors.append(
                _("%(item)s is not decided as a donation to %(org)s.")
                % {"item": item.label, "org": agreement.aid_organisation}
            )
        elif item.state != ItemState.DECIDED:
            errors.append(_("%(item)s has already left.") % {"item": item.label})
        elif item.shipment_id is not None:
            errors.append(
                _("%(item)s is already in shipment %(shipment)s.")
                % {"item": item.label, "shipment": item.shipment_id}
            )
        else:
            refusal = rules.sterile_aid_refusal(
                is_sterile=item.is_sterile,
                expiry_date=item.expiry_date,
                shipment_date=day,
                min_months=sterile_min_months(),
            )
            if refusal:
                errors.append(f"{item.label}: {refusal.message}")
    return errors


@transaction.atomic
def donation_shipment_create(
    *,
    user: Any,
    aid_agreement: AidAgreement | int,
    shipment_date: dt.date,
    items: Sequence[int],
    note: str = "",
) -> DonationShipment:
    """Group donated items into a shipment to the aid organisation (its manifest follows from the items)."""
    agreement_id = aid_agreement.pk if isinstance(aid_agreement, AidAgreement) else aid_agreement
    agreement = AidAgreement.objects.select_related("aid_organisation").get_visible(
        user, Cap.SURPLUS_DECIDE, pk=agreement_id
    )
    item_ids = list(dict.fromkeys(int(i) for i in items))
    if not item_ids:
        raise ValidationError({"items": _("A shipment needs at least one donated item.")})
    found = list(
        SurplusItem.objects.select_for_update(of=("self",))
        .select_related("case__organisation", "device", "device_model")
        .visible_to(user, Cap.SURPLUS_DECIDE)
        .filter(pk__in=item_ids)
    )
    missing = set(item_ids) - {i.pk for i in found}
    if missing:
        raise ValidationError(
            {
                "items": _("Unknown surplus items: %(ids)s.")
                % {"ids": ", ".join(str(i) for i in sorted(missing))}
            }
        )
    orgs = {i.case.organisation_id for i in found}
    if len(orgs) > 1:
        raise ValidationError({"items": _("One shipment holds the donations of one organisation only.")})
    for case in {i.case_id: i.case for i in found}.values():
        _require_department(user, case)
    if not agreement.active_on(shipment_date):
        raise ValidationError(
            {
                "aid_agreement": _(
                    "Donation only to an aid organisation the region has an agreement with (%(routine)s): "
                    "%(name)s has no active agreement on %(date)s."
                )
                % {
                    "routine": _(rules.ROUTINE),
                    "name": agreement.aid_organisation,
                    "date": shipment_date.isoformat(),
                }
            }
        )
    errors = _check_for_shipment(found, agreement, shipment_date)
    if errors:
        raise ValidationError({"items": errors})
    shipment = DonationShipment(
        organisation=found[0].case.organisation,
        aid_agreement=agreement,
        shipment_date=shipment_date,
        created_by=user,
        note=note,
    )
    shipment.full_clean()
    shipment.save()
    SurplusItem.objects.filter(pk__in=[i.pk for i in found]).update(
        shipment=shipment, updated_at=timezone.now()
    )
    record_event(
        kind=EventKind.SHIPMENT_CREATED,
        subject=shipment,
        actor=user,
        data={
            "aid_agreement": agreement.reference,
            "shipment_date": shipment_date,
            "items": [i.pk for i in found],
        },
    )
    return shipment


def _lock_shipment(user: Any, shipment: DonationShipment | int) -> DonationShipment:
    pk = shipment.pk if isinstance(shipment, DonationShipment) else shipment
    return (
        DonationShipment.objects.select_for_update(of=("self",))
        .select_related("aid_agreement__aid_organisation")
        .get_visible(user, Cap.SURPLUS_DECIDE, pk=pk)
    )


@transaction.atomic
def donation_shipment_hand_over(*, user: Any, shipment: DonationShipment | int) -> DonationShipment:
    """Hand the shipment over to the aid organisation today; every item must have finished its checklist."""
    obj = _lock_shipment(user, shipment)
    if obj.status != ShipmentStatus.PLANNED:
        raise ValidationError({"status": _("This shipment has already been handed over.")})
    items = list(
        obj.items.select_for_update(of=("self",))
        .select_related("case", "device", "device_model", "recipient")
        .prefetch_related("checklist")
        .order_by("pk")
    )
    if not items:
        raise ValidationError({"items": _("A shipment needs at least one donated item.")})
    for case in {i.case_id: i.case for i in items}.values():
        _require_department(user, case)
    today = _today()
    if not obj.aid_agreement.active_on(today):
        raise ValidationError(
            {
                "aid_agreement": _(
                    "Donation only to an aid organisation the region has an agreement with (%(routine)s): "
                    "%(name)s has no active agreement on %(date)s."
                )
                % {
                    "routine": _(rules.ROUTINE),
                    "name": obj.aid_agreement.aid_organisation,
                    "date": today.isoformat(),
                }
            }
        )
    errors: list[str] = []
    for item in items:
        refusal = rules.sterile_aid_refusal(
            is_sterile=item.is_sterile,
            expiry_date=item.expiry_date,
            shipment_date=today,
            min_months=sterile_min_months(),
        )
        if refusal:
            errors.append(f"{item.label}: {refusal.message}")
        step_refusal = rules.hand_over_refusal(
            label=item.label,
            open_step_labels=[str(ChecklistStep(s).label) for s in item_open_steps(item)],
        )
        if step_refusal:
            errors.append(step_refusal.message)
    if errors:
        raise ValidationError({"checklist": errors})
    for item in items:
        _hand_over_one(user=user, item=item, reason=_hand_over_reason(item, obj))
    obj.status = ShipmentStatus.HANDED_OVER
    obj.handed_over_on = today
    obj.save(update_fields=["status", "handed_over_on", "updated_at"])
    for case in {i.case_id: i.case for i in items}.values():
        _close_case_if_done(case)
    record_event(
        kind=EventKind.SHIPMENT_HANDED_OVER,
        subject=obj,
        actor=user,
        data={"handed_over_on": today, "items": [i.pk for i in items]},
    )
    return obj


@transaction.atomic
def donation_shipment_follow_up(
    *, user: Any, shipment: DonationShipment | int, follow_up: str, received_on: dt.date | None = None
) -> DonationShipment:
    """Record the aid organisation's follow-up: where the donated items went."""
    obj = _lock_shipment(user, shipment)
    if obj.status != ShipmentStatus.HANDED_OVER:
        raise ValidationError({"follow_up": _("A follow-up comes after the shipment has been handed over.")})
    if not follow_up.strip():
        raise ValidationError({"follow_up": _("Write where the items went.")})
    obj.follow_up = follow_up.strip()
    obj.follow_up_on = received_on or _today()
    obj.full_clean()
    obj.save(update_fields=["follow_up", "follow_up_on", "updated_at"])
    record_event(
        kind=EventKind.SHIPMENT_FOLLOWED_UP,
        subject=obj,
        actor=user,
        data={"follow_up": obj.follow_up, "received_on": obj.follow_up_on},
    )
    return obj
