"""The register (inventariedatabas): manufacturers, device models and devices."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medtek.core.models import TimeStampedModel
from medtek.core.money import MoneyField
from medtek.inventory import rules
from medtek.inventory.choices import DeviceStatus, MaintenanceResponsibility, NomenclatureSystem, RiskClass
from medtek.inventory.querysets import DeviceQuerySet
from medtek.organizations.models import Location, Organisation, TenantModel


class Manufacturer(TimeStampedModel):
    """A device manufacturer (optionally also an organisation in the register)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    organisation = models.OneToOneField(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="manufacturer"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("manufacturer")

    def __str__(self) -> str:
        return self.name


class DeviceModel(TimeStampedModel):
    """A make and model of device, with what maintaining it takes."""

    manufacturer = models.ForeignKey(Manufacturer, on_delete=models.PROTECT, related_name="models")
    name = models.CharField(_("model"), max_length=200)
    category = models.CharField(_("category"), max_length=100, blank=True, help_text=_("e.g. Infusion pump"))
    nomenclature_system = models.CharField(
        _("nomenclature"), max_length=4, choices=NomenclatureSystem.choices, default=NomenclatureSystem.EMDN
    )
    nomenclature_code = models.CharField(_("nomenclature code"), max_length=32, blank=True)
    risk_class = models.CharField(_("MDR risk class"), max_length=4, choices=RiskClass.choices, blank=True)
    pm_interval_months = models.PositiveSmallIntegerField(
        _("PM interval (months)"), null=True, blank=True, help_text=_("Empty: no preventive maintenance")
    )
    # Risk scores in the manner of Fennigkoh–Smith, read by the PM prioritisation model.
    function_score = models.PositiveSmallIntegerField(
        _("function score"), default=2, help_text=_("2 (non-patient) to 10 (life support)")
    )
    physical_risk_score = models.PositiveSmallIntegerField(
        _("physical risk score"), default=1, help_text=_("1 (no significant risk) to 5 (death)")
    )
    maintenance_need_score = models.PositiveSmallIntegerField(
        _("maintenance need score"), default=1, help_text=_("1 (minimal) to 5 (extensive)")
    )
    mt_competence = models.BooleanField(_("MT can maintain"), default=True)
    is_sterile = models.BooleanField(_("sterile"), default=False)
    is_single_use = models.BooleanField(_("single use"), default=False)
    is_assistive = models.BooleanField(_("assistive device"), default=False)

    class Meta:
        ordering = ["manufacturer__name", "name"]
        verbose_name = _("device model")
        verbose_name_plural = _("device models")
        constraints = [
            models.UniqueConstraint(
                fields=["manufacturer", "name"],
                name="device_model_unique",
                violation_error_message=_("This manufacturer already has a model with this name."),
            ),
            models.CheckConstraint(
                condition=Q(function_score__gte=2, function_score__lte=10)
                & Q(physical_risk_score__gte=1, physical_risk_score__lte=5)
                & Q(maintenance_need_score__gte=1, maintenance_need_score__lte=5),
                name="device_model_scores_in_range",
                violation_error_message=_("Scores: function 2-10, physical risk 1-5, maintenance need 1-5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.manufacturer.name} {self.name}"


class Device(TenantModel, TimeStampedModel):
    """A registered device (inventarie) that MT answers for."""

    tenant_field = "owner_id"
    assistive_field = "model__is_assistive"

    asset_number = models.CharField(
        _("asset number"),
        max_length=40,
        unique=True,
        error_messages={"unique": _("A device with this asset number is already registered.")},
    )
    serial_number = models.CharField(_("serial number"), max_length=80, blank=True)
    udi_di = models.CharField(_("UDI-DI"), max_length=40, blank=True)
    udi_pi = models.CharField(_("UDI-PI"), max_length=120, blank=True)
    lot = models.CharField(_("lot"), max_length=40, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    # model, owner and location lead the composite list indexes (Meta), which serve their lookups; an
    # index of their own would only slow every import.
    model = models.ForeignKey(
        DeviceModel, on_delete=models.PROTECT, related_name="devices", verbose_name=_("model"), db_index=False
    )
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="devices",
        verbose_name=_("owner"),
        db_index=False,
    )
    location = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="devices",
        verbose_name=_("placement"),
        db_index=False,
    )
    status = models.CharField(
        _("status"), max_length=32, choices=DeviceStatus.choices, default=DeviceStatus.IN_USE
    )
    acquisition_date = models.DateField(_("acquired"), null=True, blank=True)
    acquisition_value = MoneyField(_("acquisition value (SEK)"), null=True, blank=True)
    warranty_end = models.DateField(_("warranty ends"), null=True, blank=True)
    maintenance_responsibility = models.CharField(
        _("maintained by"),
        max_length=16,
        choices=MaintenanceResponsibility.choices,
        default=MaintenanceResponsibility.MT,
    )
    external_maintainer = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="maintained_devices",
        verbose_name=_("external maintainer"),
    )
    external_agreement_ref = models.CharField(_("external agreement"), max_length=100, blank=True)
    stores_patient_data = models.BooleanField(_("stores patient data"), default=False)
    has_radiation_source = models.BooleanField(_("contains a radiation source"), default=False)
    is_sterile = models.BooleanField(_("sterile"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    objects: ClassVar[DeviceQuerySet] = DeviceQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["asset_number"]
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        # Prefix search on asset and serial numbers (UPPER(col) LIKE 'X%') has its indexes per database
        # in migrations 0002 and 0003: pattern-ops on PostgreSQL, plain expression indexes on SQLite.
        indexes = [
            models.Index(fields=["owner", "asset_number"], name="device_owner_asset"),
            models.Index(fields=["owner", "status", "asset_number"], name="device_owner_status_asset"),
            models.Index(fields=["status", "asset_number"], name="device_status_asset"),
            models.Index(fields=["model", "asset_number"], name="device_model_asset"),
            models.Index(fields=["location", "asset_number"], name="device_location_asset"),
            models.Index(fields=["udi_di"], name="device_udi_di"),
        ]

    def __str__(self) -> str:
        return self.asset_number

    @property
    def in_register(self) -> bool:
        return rules.in_register(self.status)

    def snapshot(self) -> dict[str, Any]:
        """The state that goes with each of its events into the traceability log."""
        return {
            "device_id": self.pk,
            "owner_id": self.owner_id,
            "location_id": self.location_id,
            "status": self.status,
            "in_register": self.in_register,
        }

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if (
            self.location_id
            and self.owner_id
            and self.location
            and self.location.organisation_id != self.owner_id
        ):
            errors["location"] = _("The placement must be one of the owner's locations.")
        if (
            self.maintenance_responsibility == MaintenanceResponsibility.EXTERNAL
            and not self.external_maintainer_id
        ):
            errors["external_maintainer"] = _("Name the external party that maintains the device.")
        if self.acquisition_value is not None and self.acquisition_value < 0:
            errors["acquisition_value"] = _("The acquisition value cannot be negative.")
        if self.is_sterile and not self.expiry_date:
            errors["expiry_date"] = _("A sterile device needs its expiry date.")
        acquired_error = rules.acquisition_date_error(self.acquisition_date, today=timezone.localdate())
        if acquired_error:
            errors["acquisition_date"] = acquired_error
        if errors:
            raise ValidationError(errors)


class DeviceCount(TenantModel):
    """How many devices an owner has in a status (assistive or not), kept by triggers on the register.

    Written only by the database (`inventory.kept_counts`); read through `visible_to` like the devices.
    """

    tenant_field = "owner_id"
    assistive_field = "is_assistive"

    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    status = models.CharField(max_length=32, choices=DeviceStatus.choices)
    is_assistive = models.BooleanField(default=False)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "status", "is_assistive"], name="device_count_key"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.status}: {self.n}"


class SavedFilter(TimeStampedModel):
    """A user's named device-list filter (the list's URL query), to open again with one click."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_device_filters"
    )
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("filter"), max_length=1000, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("saved filter")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"],
                name="saved_filter_unique_name",
                violation_error_message=_("You already have a saved filter with this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name
