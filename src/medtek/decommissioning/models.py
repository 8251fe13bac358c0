"""Surplus cases, the items in them, their decommissioning checklist, aid agreements and donations."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medtek.core.models import TimeStampedModel
from medtek.core.money import MoneyField
from medtek.decommissioning.choices import (
    OPEN_ITEM_STATES,
    CaseStatus,
    ChecklistStep,
    Disposition,
    ItemKind,
    ItemState,
    ShipmentStatus,
    SurplusReason,
    WasteCategory,
)
from medtek.inventory.models import Device, DeviceModel
from medtek.organizations.models import Location, Organisation, TenantModel


class AidAgreement(TenantModel, TimeStampedModel):
    """The region's agreement with an aid organisation (Human Bridge, RS130364): donations go only there."""

    tenant_field = "region_id"

    region = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="aid_agreements", verbose_name=_("region")
    )
    aid_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="aid_agreements_received",
        verbose_name=_("aid organisation"),
    )
    reference = models.CharField(_("reference"), max_length=40)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Empty: until further notice")
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("contact person"),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["aid_organisation__name", "-valid_from"]
        verbose_name = _("aid agreement")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "reference"],
                name="aid_agreement_reference_unique",
                violation_error_message=_("The region already has an aid agreement with this reference."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="aid_agreement_valid_range",
                violation_error_message=_("An agreement cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.aid_organisation} ({self.reference})"

    def active_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def clean(self) -> None:
        from medtek.organizations.choices import OrganisationKind

        if self.aid_organisation_id and self.aid_organisation.kind != OrganisationKind.AID_ORGANISATION:
            raise ValidationError({"aid_organisation": _("The other party must be an aid organisation.")})


class SurplusCase(TenantModel, TimeStampedModel):
    """A unit's report of surplus equipment (avvecklingsärende); MTH handles it, HMC for assistive devices."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="surplus_cases", verbose_name=_("organisation")
    )
    department = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_surplus_cases",
        verbose_name=_("handled by"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("surplus case")
        indexes = [
            models.Index(fields=["organisation", "status", "created_at"], name="surplus_case_org_status"),
            models.Index(fields=["status", "created_at"], name="surplus_case_status"),
        ]

    def __str__(self) -> str:
        return f"{_('Case')} {self.pk}"


class SurplusItem(TenantModel, TimeStampedModel):
    """One surplus device, or a lot of consumables/sterile goods, with its assessment and decision."""

    tenant_field = "case__organisation_id"

    case = models.ForeignKey(
        SurplusCase, on_delete=models.PROTECT, related_name="items", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ItemKind.choices)
    device = models.ForeignKey(
        Device,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surplus_items",
        verbose_name=_("device"),
    )
    device_model = models.ForeignKey(
        DeviceModel, on_delete=models.PROTECT, related_name="surplus_items", verbose_name=_("model")
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    lot_number = models.CharField(_("lot number"), max_length=40, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=32, choices=SurplusReason.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=ItemState.choices, default=ItemState.REGISTERED
    )
    # Assessment (shown on the donation manifest).
    condition = models.CharField(_("condition"), max_length=200, blank=True)
    accessories = models.CharField(_("accessories"), max_length=300, blank=True)
    manuals_included = models.BooleanField(_("manuals included"), default=False)
    functional_test_done = models.BooleanField(_("functional test done"), default=False)
    estimated_value = MoneyField(_("estimated value (SEK)"), null=True, blank=True)
    assessment_note = models.TextField(_("assessment"), blank=True)
    # Decision.
    disposition = models.CharField(_("decision"), max_length=16, choices=Disposition.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    # Donation first (H7): why an item the aid rules would allow to donate is sold or destroyed instead.
    not_donated_reason = models.TextField(_("reason it is not donated"), blank=True)
    recipient = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_surplus_items",
        verbose_name=_("recipient"),
    )
    aid_agreement = models.ForeignKey(
        AidAgreement, null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    selling_costs = MoneyField(_("costs of selling (SEK)"), null=True, blank=True)
    buyer_is_end_customer = models.BooleanField(_("buyer is an end customer"), null=True, blank=True)
    distributor_responsibility = models.BooleanField(
        _("region takes on distributor responsibility"), null=True, blank=True
    )
    contract_reference = models.CharField(_("contract reference"), max_length=100, blank=True)
    mt_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("MT involved"),
    )
    waste_category = models.CharField(
        _("waste category"), max_length=32, choices=WasteCategory.choices, blank=True
    )
    reuse_owner = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("new owner"),
    )
    reuse_location = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("new placement"),
    )
    # Leaving.
    shipment = models.ForeignKey(
        "DonationShipment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("shipment"),
    )
    handed_over_on = models.DateField(_("handed over"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["case_id", "id"]
        verbose_name = _("surplus item")
        constraints = [
            models.UniqueConstraint(
                fields=["device"],
                condition=Q(state__in=[s.value for s in OPEN_ITEM_STATES]),
                name="surplus_item_one_open_per_device",
                violation_error_message=_("This device is already registered as surplus in an open case."),
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1),
                name="surplus_item_quantity_positive",
                violation_error_message=_("The quantity must be at least 1."),
            ),
            models.CheckConstraint(
                condition=(Q(kind=ItemKind.DEVICE, device__isnull=False, quantity=1))
                | Q(kind=ItemKind.LOT, device__isnull=True),
                name="surplus_item_device_or_lot",
                violation_error_message=_("A device item names one device; a lot names none."),
            ),
        ]
        indexes = [
            models.Index(fields=["state", "disposition"], name="surplus_item_state"),
            models.Index(fields=["disposition", "handed_over_on"], name="surplus_item_handed_over"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind == ItemKind.DEVICE and self.device is not None:
            return self.device.asset_number
        lot = f" {_('lot')} {self.lot_number}" if self.lot_number else ""
        return f"{self.quantity} × {self.device_model.name}{lot}"

    @property
    def is_sterile(self) -> bool:
        if self.device is not None and self.device.is_sterile:
            return True
        return bool(self.device_model.is_sterile)

    @property
    def stores_patient_data(self) -> bool:
        return bool(self.device is not None and self.device.stores_patient_data)

    @property
    def has_radiation_source(self) -> bool:
        return bool(self.device is not None and self.device.has_radiation_source)


class ChecklistEntry(TenantModel, TimeStampedModel):
    """One done decommissioning step for an item: who did it, when, how (e.g. the wiping method)."""

    tenant_field = "item__case__organisation_id"

    item = models.ForeignKey(SurplusItem, on_delete=models.PROTECT, related_name="checklist")
    step = models.CharField(_("step"), max_length=32, choices=ChecklistStep.choices)
    done_at = models.DateTimeField(_("done"))
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    performed_by = models.CharField(
        _("performed by"),
        max_length=200,
        blank=True,
        help_text=_("If someone else did it, e.g. a service company"),
    )
    method = models.CharField(_("method"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The second person who verified the step (the patient-data wipe), and the step's evidence: wiping
    # method, the radiation source's receiver and licence and SSM's notification, the registers left.
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verified by"),
    )
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)

    class Meta:
        ordering = ["item_id", "done_at"]
        verbose_name = _("checklist step")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "step"],
                name="checklist_step_once",
                violation_error_message=_("This step is already recorded for the item."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} ({self.item_id})"

    @property
    def evidence_display(self) -> list[tuple[str, str]]:
        """The evidence as (what, value) in words, for the item's page."""
        from medtek.decommissioning.choices import Register, SourceOutcome, WipeMethod

        names = {
            "wipe_method": (_("Wiping method"), dict(WipeMethod.choices)),
            "source_outcome": (_("Radiation source"), dict(SourceOutcome.choices)),
            "receiver": (_("Receiver of the source"), {}),
            "licence_reference": (_("Receiver's licence (SSM)"), {}),
            "ssm_notified_on": (_("SSM notified"), {}),
            "registers": (_("Removed from"), dict(Register.choices)),
            "fixed_asset_number": (_("Fixed-asset number"), {}),
            "book_value": (_("Book value (SEK)"), {}),
            "disposal": (_("Disposal (for finance)"), {}),
        }
        rows = []
        for key, value in (self.evidence or {}).items():
            label, choices = names.get(key, (key, {}))
            values = value if isinstance(value, list) else [value]
            rows.append((str(label), ", ".join(str(choices.get(v, v)) for v in values)))
        return rows


class DonationShipment(TenantModel, TimeStampedModel):
    """Donated items shipped to an aid organisation under an agreement, with manifest and follow-up."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="donation_shipments", verbose_name=_("donor")
    )
    aid_agreement = models.ForeignKey(
        AidAgreement, on_delete=models.PROTECT, related_name="shipments", verbose_name=_("aid agreement")
    )
    shipment_date = models.DateField(_("shipment date"))
    status = models.CharField(
        _("status"), max_length=16, choices=ShipmentStatus.choices, default=ShipmentStatus.PLANNED
    )
    handed_over_on = models.DateField(_("handed over"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    follow_up = models.TextField(_("follow-up from the aid organisation"), blank=True)
    follow_up_on = models.DateField(_("follow-up received"), null=True, blank=True)

    class Meta:
        ordering = ["-shipment_date", "-id"]
        verbose_name = _("donation shipment")
        indexes = [
            models.Index(fields=["organisation", "handed_over_on"], name="donation_shipment_org_date"),
            models.Index(fields=["status", "shipment_date"], name="donation_shipment_status"),
        ]

    def __str__(self) -> str:
        return f"{_('Shipment')} {self.pk} → {self.aid_agreement.aid_organisation}"
