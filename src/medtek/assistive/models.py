"""Assistive devices at the assistive-device centre (HMC): catalogue, items, prescribers, patients,
prescriptions, loans (dispensing, fitting, return) and the access log of patient identities."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medtek.assistive import querysets as qs
from medtek.assistive.choices import (
    AccessPurpose,
    FailedDecision,
    IdentityKind,
    PrescriptionStatus,
    Profession,
    ReturnCondition,
)
from medtek.core.models import TimeStampedModel
from medtek.core.money import MoneyField
from medtek.inventory.models import Device, DeviceModel
from medtek.maintenance.models import WorkOrder
from medtek.organizations.models import Location, Organisation, TenantModel


class Article(TenantModel, TimeStampedModel):
    """An article in the centre's catalogue: a model of assistive device with its ISO 9999 code and prices."""

    tenant_field = "centre_id"

    centre = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="assistive_articles", verbose_name=_("centre")
    )
    device_model = models.ForeignKey(
        DeviceModel, on_delete=models.PROTECT, related_name="assistive_articles", verbose_name=_("model")
    )
    name = models.CharField(_("article"), max_length=200)
    iso_code = models.CharField(_("ISO 9999 code"), max_length=8)
    monthly_rent = MoneyField(_("rent per month (SEK)"))
    price = MoneyField(_("price (SEK)"))
    needs_fitting = models.BooleanField(_("needs fitting (utprovning)"), default=False)
    fitting_fee = MoneyField(_("fitting fee (SEK)"), default=0)
    delivery_fee = MoneyField(_("delivery fee (SEK)"), default=0)

    objects: ClassVar[qs.ArticleQuerySet] = qs.ArticleQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["iso_code", "name"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "device_model"],
                name="article_one_per_model",
                violation_error_message=_("The centre already has an article for this model."),
            ),
            models.CheckConstraint(
                condition=Q(monthly_rent__gte=0, price__gte=0, fitting_fee__gte=0, delivery_fee__gte=0),
                name="article_amounts_not_negative",
                violation_error_message=_("Rent, price and fees cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.iso_code} {self.name}"

    def clean(self) -> None:
        if (
            self.device_model_id
            and not DeviceModel.objects.filter(pk=self.device_model_id, is_assistive=True).exists()
        ):
            raise ValidationError({"device_model": _("An article is a model of assistive device.")})


class Item(TenantModel, TimeStampedModel):
    """One of the centre's items of an article: a device in the register (history, maintenance, disposal)."""

    tenant_field = "device__owner_id"

    device = models.OneToOneField(Device, on_delete=models.PROTECT, related_name="assistive_item")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="items")

    class Meta:
        ordering = ["device__asset_number"]
        verbose_name = _("item")

    def __str__(self) -> str:
        return str(self.device)


class ItemCount(TenantModel):
    """How many items of an article an owner has with their device in a status, kept by triggers.

    Written only by the database (`assistive.kept_counts`); read through `visible_to` like the items.
    """

    tenant_field = "owner_id"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    status = models.CharField(max_length=32)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "owner", "status"], name="item_count_key"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.owner_id} {self.status}: {self.n}"


class Prescriber(TenantModel, TimeStampedModel):
    """A prescriber (förskrivare): an occupational therapist, physiotherapist or nurse of an organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="prescribers", verbose_name=_("organisation")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="prescriber"
    )
    name = models.CharField(_("name"), max_length=200)
    profession = models.CharField(_("profession"), max_length=8, choices=Profession.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("prescriber")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_profession_display()})"


class Patient(TenantModel, TimeStampedModel):
    """A patient, known by an encrypted identity and found by its keyed hash; shown only through the
    selector that writes the access log."""

    identity_encrypted = models.TextField()
    identity_hash = models.CharField(max_length=64, unique=True)
    identity_kind = models.CharField(max_length=20, choices=IdentityKind.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="assistive_patients",
        verbose_name=_("organisation"),
    )

    class Meta:
        verbose_name = _("patient")

    def __str__(self) -> str:
        return f"{_('Patient')} {self.pk}"


class Prescription(TenantModel, TimeStampedModel):
    """A prescription (förskrivning): an article for a patient, the need, and where to deliver."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    prescriber = models.ForeignKey(Prescriber, on_delete=models.PROTECT, related_name="prescriptions")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="assistive_prescriptions", db_index=False
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="prescriptions")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="prescriptions")
    need = models.TextField(_("need"))
    delivery_address = models.CharField(_("delivery address"), max_length=200, blank=True)
    delivery_unit = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    prescribed_on = models.DateField(_("prescribed"))
    status = models.CharField(
        _("status"), max_length=12, choices=PrescriptionStatus.choices, default=PrescriptionStatus.OPEN
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("prescription")
        indexes = [models.Index(fields=["organisation", "status", "id"], name="presc_org_status")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(delivery_address="") | Q(delivery_unit__isnull=False),
                name="prescription_delivered_somewhere",
                violation_error_message=_("Give a delivery address or a unit."),
            )
        ]

    def __str__(self) -> str:
        return self.number


class Loan(TenantModel, TimeStampedModel):
    """An item on loan to a patient: dispensing (utlämning), fitting (utprovning) and return (återlämning)."""

    prescription = models.OneToOneField(Prescription, on_delete=models.PROTECT, related_name="loan")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="loans", db_index=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="loans")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    dispensed_on = models.DateField(_("dispensed"))
    dispensed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    delivered_to = models.CharField(_("delivered to"), max_length=200)
    fitted_on = models.DateField(_("fitted"), null=True, blank=True)
    fitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fitting_adjustments = models.TextField(_("adjustments"), blank=True)
    fitting_result = models.TextField(_("result of the fitting"), blank=True)
    fitted = models.BooleanField(_("fitted"), null=True, blank=True)
    due_back_on = models.DateField(_("due back"), null=True, blank=True)
    returned_on = models.DateField(_("returned"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_condition = models.CharField(
        _("condition"), max_length=12, choices=ReturnCondition.choices, blank=True
    )
    return_note = models.TextField(_("note"), blank=True)
    reconditioning = models.ForeignKey(
        WorkOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="assistive_returns"
    )
    # HMC's decision once the reconditioning failed: made once, so a second decision is refused.
    decision = models.CharField(
        _("decision after failed reconditioning"), max_length=8, choices=FailedDecision.choices, blank=True
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects: ClassVar[qs.LoanQuerySet] = qs.LoanQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-dispensed_on", "-id"]
        verbose_name = _("loan")
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(returned_on__isnull=True),
                name="loan_one_open_per_item",
                violation_error_message=_("The item is already on loan."),
            ),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True) | Q(returned_on__gte=models.F("dispensed_on")),
                name="loan_returned_after_dispensed",
                violation_error_message=_("An item is returned on or after the day it was dispensed."),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "returned_on", "id"], name="loan_org_open"),
            models.Index(fields=["returned_on", "dispensed_on"], name="loan_open_dispensed"),
            models.Index(fields=["item", "dispensed_on"], name="loan_item_dispensed"),
            # The open loans newest first (the loan list's page and its capped count), read from the
            # index alone however many returned loans the years have left.
            models.Index(
                fields=["-id", "organisation"], condition=Q(returned_on__isnull=True), name="loan_open_newest"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prescription.number}: {self.item}"

    @property
    def is_open(self) -> bool:
        return self.returned_on is None


class PatientAccess(TenantModel):
    """One look at a patient's identity: who, when, which patient (by id), why. Append-only; an auditor
    reads it without the identity."""

    tenant_field = "patient__organisation_id"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="accesses")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    purpose = models.CharField(_("why"), max_length=16, choices=AccessPurpose.choices)
    reference = models.CharField(_("on"), max_length=40, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("patient access")
        indexes = [models.Index(fields=["patient", "at"], name="patient_access_time")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.patient_id} ({self.purpose})"
