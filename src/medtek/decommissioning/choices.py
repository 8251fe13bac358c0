from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SurplusReason(models.TextChoices):
    REPLACED_ON_REINVESTMENT = "replaced_on_reinvestment", _("Replaced on reinvestment")
    NO_LONGER_NEEDED = "no_longer_needed", _("No longer needed")
    BROKEN_BEYOND_REPAIR = "broken_beyond_repair", _("Broken beyond repair")
    OTHER = "other", _("Other")


class ItemKind(models.TextChoices):
    DEVICE = "device", _("Device")
    LOT = "lot", pgettext_lazy("surplus item", "Lot")


class ItemState(models.TextChoices):
    REGISTERED = "registered", _("Awaiting decision")
    DECIDED = "decided", _("Decided")
    HANDED_OVER = "handed_over", _("Handed over")
    REUSED = "reused", _("Reused in the region")


OPEN_ITEM_STATES = (ItemState.REGISTERED, ItemState.DECIDED)


class Disposition(models.TextChoices):
    REUSE = "reuse", _("Reuse in the region")
    DONATE = "donate", _("Donate to aid")
    SELL = "sell", _("Sell")
    TRADE_IN = "trade_in", _("Trade in")
    DESTROY = "destroy", _("Destroy")


class WasteCategory(models.TextChoices):
    """Waste categories of the region's waste handling (avfallshantering)."""

    ELECTRONIC = "electronic", _("Electrical and electronic waste (WEEE)")
    HAZARDOUS = "hazardous", _("Hazardous waste")
    INFECTIOUS = "infectious", _("Infectious waste")
    SHARPS = "sharps", _("Sharps")
    PHARMACEUTICAL = "pharmaceutical", _("Pharmaceutical waste")
    RADIOACTIVE = "radioactive", _("Radioactive waste")
    METAL = "metal", _("Metal scrap")
    COMBUSTIBLE = "combustible", _("Combustible waste")


class ChecklistStep(models.TextChoices):
    INVENTORY_LISTING = "inventory_listing", _("Inventory listing")
    DEREGISTRATION = "deregistration", _("Deregistration from the register")
    PATIENT_DATA_WIPED = "patient_data_wiped", _("Patient data wiped")
    RESPONSIBILITY_CLARIFIED = "responsibility_clarified", _("Continued responsibility clarified")
    RADIATION_PROTECTION = "radiation_protection", _("Radiation protection")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ShipmentStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HANDED_OVER = "handed_over", _("Handed over")


class WipeMethod(models.TextChoices):
    """How a device's patient data was wiped; the first two give a certificate that is kept as evidence."""

    CERTIFIED_ERASURE = "certified_erasure", _("Certified erasure software (erasure certificate)")
    DESTRUCTION = "destruction", _("Storage medium destroyed (destruction certificate)")
    FACTORY_RESET = "factory_reset", _("Manufacturer's factory reset")
    MEDIUM_REMOVED = "medium_removed", _("Storage medium removed and kept by the region")


class SourceOutcome(models.TextChoices):
    """What happened to a device's radiation source."""

    RETURNED_TO_SUPPLIER = "returned_to_supplier", _("Returned to the supplier")
    TRANSFERRED = "transferred", _("Transferred to a licensed receiver")
    DISPOSED = "disposed", _("Disposed of as radioactive waste by a licensed receiver")


class Register(models.TextChoices):
    """Registers a device is removed from when it is deregistered."""

    DEVICE_REGISTER = "device_register", _("The device register (inventariedatabas)")
    FIXED_ASSETS = "fixed_assets", _("The fixed-asset register (anläggningsregister)")
    SERVICE_CONTRACT = "service_contract", _("A supplier's service contract ended")


class EventKind:
    """Kinds of events the decommissioning app writes; a checklist step is `step_done(step)`."""

    CASE_REGISTERED = "decommissioning.case_registered"
    ASSESSED = "decommissioning.assessed"
    DECIDED = "decommissioning.decided"
    HANDED_OVER = "decommissioning.handed_over"
    AID_AGREEMENT_CREATED = "decommissioning.aid_agreement_created"
    AID_AGREEMENT_UPDATED = "decommissioning.aid_agreement_updated"
    SHIPMENT_CREATED = "decommissioning.shipment_created"
    SHIPMENT_HANDED_OVER = "decommissioning.shipment_handed_over"
    SHIPMENT_FOLLOWED_UP = "decommissioning.shipment_followed_up"

    @staticmethod
    def step_done(step: str) -> str:
        return f"decommissioning.{step}"
