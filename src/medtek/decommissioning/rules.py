"""Pure rules of Region Halland's routine for surplus medical devices (no database).

The routine (seeds/halland-surplus-medical-devices.sv.txt, 2026-01-28) says, among other things:

- "Försäljning ska endast ske i de undantagsfall där värdet överstiger omkostnaderna. Ingen
  försäljning skall ske till slutkund eller där Region Halland åläggs ett distributörsansvar."
- "Ett inbyte kan ske till leverantör i samband med affärsuppgörelse vid återinvestering och
  regleras i avtal mellan Region Halland och köparen. MTH skall involveras."
- "De medicintekniska produkterna som inte skänks eller säljs ska destrueras. Sterila produkter
  med kortare tid än tre månader till utgångsdatum kan av flera skäl inte förmedlas till bistånd."
- "Processen; Avveckling innehåller rutiner som tar upp den praktiska hanteringen, förteckning,
  avregistrering, tömning av patientdata, klarläggande av fortsatt ansvar. Rutinerna tillser att
  lagkrav såsom till exempel GDPR och Strålskyddslag beaktas."

Each check returns the refusals (field and a message naming the rule); an empty list means allowed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from medtek.core.dates import add_months
from medtek.core.money import format_number
from medtek.decommissioning.choices import ChecklistStep, Disposition, ItemKind, SurplusReason
from medtek.organizations.choices import OrganisationKind

ROUTINE = gettext_noop("Region Halland's routine for surplus medical devices")

# Dispositions after which the item leaves the region (and, for a device, the register).
LEAVING = frozenset({Disposition.DONATE, Disposition.SELL, Disposition.TRADE_IN, Disposition.DESTROY})
# The device status each leaving disposition ends in (inventory's lifecycle).
FINAL_DEVICE_STATUS = {
    Disposition.DONATE: "donated",
    Disposition.SELL: "sold",
    Disposition.TRADE_IN: "traded_in",
    Disposition.DESTROY: "scrapped",
}


@dataclass(frozen=True)
class Refusal:
    """Why the routine refuses something, and which input it concerns."""

    field: str
    message: str


def enough_shelf_life(*, expiry_date: dt.date, shipment_date: dt.date, min_months: int) -> bool:
    """At least `min_months` calendar months left to expiry on the shipment date."""
    return expiry_date >= add_months(shipment_date, min_months)


def sterile_aid_refusal(
    *, is_sterile: bool, expiry_date: dt.date | None, shipment_date: dt.date, min_months: int
) -> Refusal | None:
    """Sterile goods with less than `min_months` left to expiry on the shipment date cannot go to aid."""
    if not is_sterile:
        return None
    if expiry_date is None:
        return Refusal(
            "expiry_date",
            _("A sterile product needs its expiry date before it can be donated to aid (%(routine)s).")
            % {"routine": _(ROUTINE)},
        )
    if enough_shelf_life(expiry_date=expiry_date, shipment_date=shipment_date, min_months=min_months):
        return None
    if expiry_date < shipment_date:
        return Refusal(
            "disposition",
            _(
                "Expired sterile products cannot be donated to aid (%(routine)s): "
                "expired %(expiry)s, shipment date %(shipment)s."
            )
            % {
                "routine": _(ROUTINE),
                "expiry": expiry_date.isoformat(),
                "shipment": shipment_date.isoformat(),
            },
        )
    return Refusal(
        "disposition",
        _(
            "Sterile products with less than %(months)s months left to expiry on the shipment date cannot "
            "be donated to aid (%(routine)s): expires %(expiry)s, shipment date %(shipment)s, "
            "would need to last until %(earliest)s."
        )
        % {
            "months": min_months,
            "routine": _(ROUTINE),
            "expiry": expiry_date.isoformat(),
            "shipment": shipment_date.isoformat(),
            "earliest": add_months(shipment_date, min_months).isoformat(),
        },
    )


def donation_refusals(
    *,
    recipient_name: str | None,
    has_active_agreement: bool,
    on_date: dt.date,
    is_sterile: bool,
    expiry_date: dt.date | None,
    min_months: int,
) -> list[Refusal]:
    """Donation only to an aid organisation with an active agreement, and only with enough shelf life."""
    out: list[Refusal] = []
    if not recipient_name:
        out.append(Refusal("recipient", _("Name the aid organisation that receives the donation.")))
    elif not has_active_agreement:
        out.append(
            Refusal(
                "recipient",
                _(
                    "Donation only to an aid organisation the region has an agreement with (%(routine)s): "
                    "%(name)s has no active agreement on %(date)s."
                )
                % {"routine": _(ROUTINE), "name": recipient_name, "date": on_date.isoformat()},
            )
        )
    sterile = sterile_aid_refusal(
        is_sterile=is_sterile, expiry_date=expiry_date, shipment_date=on_date, min_months=min_months
    )
    if sterile:
        out.append(sterile)
    return out


# Who buys to use medical devices on patients: a region (or its departments), a municipality or a care
# provider is an end customer (slutkund) whatever anyone states about it.
END_CUSTOMER_KINDS = frozenset(
    {
        OrganisationKind.REGION,
        OrganisationKind.MT_DEPARTMENT,
        OrganisationKind.MUNICIPALITY,
        OrganisationKind.PRIVATE_CARE_PROVIDER,
    }
)


def sale_refusals(
    *,
    buyer_name: str | None,
    buyer_kind: str | None,
    estimated_value: Decimal | None,
    selling_costs: Decimal | None,
    buyer_is_end_customer: bool | None,
    distributor_responsibility: bool | None,
) -> list[Refusal]:
    """Sale only to a named buyer that is no end customer, where the value exceeds the costs, and never
    with distributor duties for the region."""
    out: list[Refusal] = []
    if not buyer_name:
        out.append(
            Refusal(
                "recipient",
                _("Name the buyer: no sale to an end customer (%(routine)s), so who buys must be known.")
                % {"routine": _(ROUTINE)},
            )
        )
    elif buyer_kind in END_CUSTOMER_KINDS:
        out.append(
            Refusal(
                "recipient",
                _(
                    "No sale to an end customer (%(routine)s): %(name)s is a region, municipality or care "
                    "provider, which buys to use the device."
                )
                % {"routine": _(ROUTINE), "name": buyer_name},
            )
        )
    if estimated_value is None or selling_costs is None:
        out.append(
            Refusal(
                "selling_costs" if estimated_value is not None else "estimated_value",
                _(
                    "A sale needs both the estimated value and the costs of selling recorded: sale only "
                    "where the value exceeds the costs (%(routine)s)."
                )
                % {"routine": _(ROUTINE)},
            )
        )
    elif estimated_value <= selling_costs:
        out.append(
            Refusal(
                "estimated_value",
                _(
                    "Sale only where the value exceeds the costs (%(routine)s): estimated value %(value)s kr "
                    "does not exceed the costs of selling %(costs)s kr."
                )
                % {
                    "routine": _(ROUTINE),
                    "value": format_number(estimated_value),
                    "costs": format_number(selling_costs),
                },
            )
        )
    if buyer_kind not in END_CUSTOMER_KINDS:  # a care giver is refused above, whatever the flag says
        if buyer_is_end_customer is None:
            out.append(
                Refusal(
                    "buyer_is_end_customer",
                    _("State whether the buyer is an end customer: no sale to an end customer (%(routine)s).")
                    % {"routine": _(ROUTINE)},
                )
            )
        elif buyer_is_end_customer:
            out.append(
                Refusal(
                    "buyer_is_end_customer",
                    _("No sale to an end customer (%(routine)s).") % {"routine": _(ROUTINE)},
                )
            )
    if distributor_responsibility is None:
        out.append(
            Refusal(
                "distributor_responsibility",
                _(
                    "State whether the region would take on distributor responsibility: no sale where it "
                    "would (%(routine)s)."
                )
                % {"routine": _(ROUTINE)},
            )
        )
    elif distributor_responsibility:
        out.append(
            Refusal(
                "distributor_responsibility",
                _("No sale where the region would take on distributor responsibility (%(routine)s).")
                % {"routine": _(ROUTINE)},
            )
        )
    return out


def trade_in_refusals(
    *,
    recipient_name: str | None,
    recipient_is_supplier: bool,
    on_reinvestment: bool,
    contract_reference: str,
    mt_involved: bool,
) -> list[Refusal]:
    """Trade-in only to a supplier, on a reinvestment, under a contract, with MT involved."""
    out: list[Refusal] = []
    if not recipient_name:
        out.append(Refusal("recipient", _("Name the supplier that takes the trade-in.")))
    elif not recipient_is_supplier:
        out.append(
            Refusal(
                "recipient",
                _("A trade-in goes only to a supplier (%(routine)s): %(name)s is not a supplier.")
                % {"routine": _(ROUTINE), "name": recipient_name},
            )
        )
    if not on_reinvestment:
        out.append(
            Refusal(
                "disposition",
                _(
                    "A trade-in is only possible on a reinvestment (%(routine)s): this item was not "
                    "replaced on reinvestment."
                )
                % {"routine": _(ROUTINE)},
            )
        )
    if not contract_reference.strip():
        out.append(
            Refusal(
                "contract_reference",
                _(
                    "A trade-in needs the contract reference: it is regulated in a contract between the "
                    "region and the buyer (%(routine)s)."
                )
                % {"routine": _(ROUTINE)},
            )
        )
    if not mt_involved:
        out.append(
            Refusal(
                "mt_contact",
                _("A trade-in needs MT involved (%(routine)s: MTH shall be involved); name the MT person.")
                % {"routine": _(ROUTINE)},
            )
        )
    return out


def destroy_refusals(*, waste_category: str) -> list[Refusal]:
    """What is neither donated, sold, traded in nor reused is destroyed, as waste of a named category."""
    if not waste_category:
        return [
            Refusal(
                "waste_category",
                _("Destruction needs the waste category (the region's waste handling, avfallshantering)."),
            )
        ]
    return []


def on_reinvestment(reason: str) -> bool:
    return reason == SurplusReason.REPLACED_ON_REINVESTMENT


def required_steps(
    *, kind: str, disposition: str, stores_patient_data: bool, has_radiation_source: bool
) -> list[str]:
    """The decommissioning steps an item needs before it may leave (förteckning, avregistrering, ...).

    Reuse inside the region keeps the device in the register: nothing to decommission. A lot of
    consumables is not in the register: it needs only the inventory listing.
    """
    if disposition not in LEAVING:
        return []
    if kind == ItemKind.LOT:
        return [ChecklistStep.INVENTORY_LISTING]
    steps: list[str] = [ChecklistStep.INVENTORY_LISTING, ChecklistStep.DEREGISTRATION]
    if stores_patient_data:
        steps.append(ChecklistStep.PATIENT_DATA_WIPED)
    steps.append(ChecklistStep.RESPONSIBILITY_CLARIFIED)
    if has_radiation_source:
        steps.append(ChecklistStep.RADIATION_PROTECTION)
    return steps


def open_steps(required: Iterable[str], done: Iterable[str]) -> list[str]:
    finished = set(done)
    return [step for step in required if step not in finished]


def hand_over_refusal(*, label: str, open_step_labels: list[str]) -> Refusal | None:
    if not open_step_labels:
        return None
    return Refusal(
        "checklist",
        _("%(item)s cannot leave with open decommissioning steps: %(steps)s.")
        % {"item": label, "steps": ", ".join(open_step_labels)},
    )


def goes_to_assistive_centre(*, assistive_flags: Iterable[bool]) -> bool:
    """The routine sends surplus assistive devices to HMC and everything else to MTH.

    A case goes to HMC only when every item is an assistive device: MTH holds the overall mandate for
    aid decisions ("MTH har ett övergripande uppdrag till biståndsavgöranden"), so a mixed case goes to MTH.
    """
    flags = list(assistive_flags)
    return bool(flags) and all(flags)


DONATION_FIRST = gettext_noop(
    "Surplus that is not to be destroyed or sold is mainly donated to aid organisations the region has an "
    "agreement with"
)


def not_donated_refusal(*, disposition: str, donatable: bool, reason: str) -> Refusal | None:
    """Donation first (H7): selling or destroying an item the aid rules would allow to donate needs the
    reason it is not donated."""
    if disposition not in {Disposition.SELL, Disposition.DESTROY} or not donatable or reason.strip():
        return None
    return Refusal(
        "not_donated_reason",
        _("This item may be donated (%(routine)s: %(rule)s): give the reason it is not donated.")
        % {"routine": _(ROUTINE), "rule": _(DONATION_FIRST)},
    )


# --- Evidence on the checklist (Halland's routine: what must be shown before a device leaves) -----------

CERTIFIED_WIPE_METHODS = frozenset({"certified_erasure", "destruction"})
FIXED_ASSET_ROUTINE = gettext_noop("See the routine for fixed assets (Se rutin för Anläggningstillgångar)")


def evidence_refusals(
    *,
    step: str,
    method: str,
    evidence: dict[str, Any],
    done_by_id: int | None,
    verified_by_id: int | None,
    today: dt.date,
) -> dict[str, str]:
    """The evidence a step lacks, per field, with the reason; empty when the step may be ticked.

    Patient data wiped: the method, and a second person who verified it. Radiation protection: what
    happened to the source, the receiver and its licence, and the date SSM was notified. Deregistration:
    the registers the device was removed from; the fixed-asset register with the asset number, book
    value and disposal, so finance gets its entry.
    """
    errors: dict[str, str] = {}
    if step == ChecklistStep.PATIENT_DATA_WIPED:
        if not evidence.get("wipe_method"):
            errors["wipe_method"] = _("Choose how the patient data was wiped.")
        if verified_by_id is None:
            errors["verified_by"] = _("A second person must verify the wipe: name who verified it.")
        elif verified_by_id == done_by_id:
            errors["verified_by"] = _("The wipe is verified by a second person, not by the one who did it.")
    elif step == ChecklistStep.RADIATION_PROTECTION:
        if not evidence.get("source_outcome"):
            errors["source_outcome"] = _("Record what happened to the radiation source.")
        if not str(evidence.get("receiver", "")).strip():
            errors["receiver"] = _("Name the receiver of the radiation source.")
        if not str(evidence.get("licence_reference", "")).strip():
            errors["licence_reference"] = _("Give the receiver's licence reference (SSM).")
        notified = evidence.get("ssm_notified_on")
        if not notified:
            errors["ssm_notified_on"] = _("Give the date SSM (Strålsäkerhetsmyndigheten) was notified.")
        elif isinstance(notified, dt.date) and notified > today:
            errors["ssm_notified_on"] = _("SSM cannot have been notified in the future.")
    elif step == ChecklistStep.DEREGISTRATION:
        registers = list(evidence.get("registers") or [])
        if not registers:
            errors["registers"] = _("Name the registers the device was removed from.")
        if "fixed_assets" in registers:
            if not str(evidence.get("fixed_asset_number", "")).strip():
                errors["fixed_asset_number"] = _("Give the asset number in the fixed-asset register.")
            if evidence.get("book_value") in (None, ""):
                errors["book_value"] = _("Give the book value, for finance (%(routine)s).") % {
                    "routine": _(FIXED_ASSET_ROUTINE)
                }
            if not str(evidence.get("disposal", "")).strip():
                errors["disposal"] = _("Describe the disposal, for finance (%(routine)s).") % {
                    "routine": _(FIXED_ASSET_ROUTINE)
                }
    return errors


def needs_certificate(step: str, evidence: dict[str, Any]) -> bool:
    return step == ChecklistStep.PATIENT_DATA_WIPED and evidence.get("wipe_method") in CERTIFIED_WIPE_METHODS
