"""Field safety notices (säkerhetsmeddelanden), the devices they affect, customers' acknowledgements,
and incidents (negativa händelser och tillbud) with devices."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medtek.core.models import TimeStampedModel
from medtek.inventory.models import Device, DeviceModel, Manufacturer
from medtek.maintenance.models import WorkOrder
from medtek.organizations.models import Organisation, TenantModel
from medtek.safety.choices import (
    Decision,
    IncidentKind,
    IncidentStatus,
    NoticeAction,
    NoticeStatus,
    PatientHarm,
    Source,
    Urgency,
)
from medtek.safety.querysets import SafetyNoticeQuerySet


class SafetyNotice(TenantModel, TimeStampedModel):
    """A manufacturer's field safety notice (FSN) that an MT department acts on for all its customers."""

    tenant_field = "department_id"

    department = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="safety_notices", verbose_name=_("handled by")
    )
    manufacturer = models.ForeignKey(
        Manufacturer, on_delete=models.PROTECT, related_name="safety_notices", verbose_name=_("manufacturer")
    )
    reference = models.CharField(_("manufacturer's reference"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    issued_on = models.DateField(_("date of the notice"))
    action = models.CharField(_("what to do"), max_length=32, choices=NoticeAction.choices)
    instructions = models.TextField(_("instructions"), blank=True)
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices)
    device_models = models.ManyToManyField(
        DeviceModel, blank=True, related_name="safety_notices", verbose_name=_("affected models")
    )
    udi_dis = models.JSONField(_("UDI-DIs"), default=list, blank=True)
    lots = models.JSONField(_("lots"), default=list, blank=True)
    serial_ranges = models.JSONField(_("serial ranges"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.OPEN
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    searched_at = models.DateTimeField(_("devices searched"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects: ClassVar[SafetyNoticeQuerySet] = SafetyNoticeQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("field safety notice")
        verbose_name_plural = _("field safety notices")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "manufacturer", "reference"],
                name="safety_notice_reference_unique",
                violation_error_message=_(
                    "This manufacturer's notice with this reference is already registered."
                ),
            )
        ]
        indexes = [
            models.Index(fields=["department", "status", "issued_on"], name="safety_notice_dept_status")
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class AffectedDevice(TenantModel):
    """A device a notice names, with MT's finding for it and the work that corrected it."""

    tenant_field = "customer_id"

    notice = models.ForeignKey(
        SafetyNotice, on_delete=models.CASCADE, related_name="affected", verbose_name=_("notice")
    )
    device = models.ForeignKey(
        Device,
        on_delete=models.PROTECT,
        related_name="safety_notices",
        verbose_name=_("device"),
        db_index=False,
    )
    # The owner when the device was found: customers see their own devices on a notice, nothing more.
    customer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer"), db_index=False
    )
    source = models.CharField(_("found by"), max_length=16, choices=Source.choices, default=Source.CRITERIA)
    decision = models.CharField(
        _("finding"), max_length=16, choices=Decision.choices, default=Decision.PENDING
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    decided_at = models.DateTimeField(_("checked"), null=True, blank=True)
    work_order = models.ForeignKey(
        WorkOrder,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("work order"),
    )
    blocked_at = models.DateTimeField(_("blocked"), null=True, blank=True)
    found_at = models.DateTimeField(_("found"))

    class Meta:
        ordering = ["notice", "customer", "id"]
        verbose_name = _("affected device")
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "device"],
                name="safety_affected_once",
                violation_error_message=_("The device is already on this notice's list."),
            ),
            models.CheckConstraint(
                condition=~Q(decision=Decision.NOT_AFFECTED) | ~Q(reason=""),
                name="safety_not_affected_has_reason",
                violation_error_message=_("Say why the device is not affected."),
            ),
        ]
        indexes = [
            models.Index(fields=["notice", "customer", "id"], name="safety_affected_customer"),
            models.Index(fields=["device"], name="safety_affected_device"),
            models.Index(fields=["customer", "notice"], name="safety_affected_by_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id}: {self.device_id}"


class Acknowledgement(TenantModel):
    """A customer's confirmation that it has received and read a notice."""

    tenant_field = "customer_id"

    notice = models.ForeignKey(SafetyNotice, on_delete=models.CASCADE, related_name="acknowledgements")
    customer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["notice", "customer__name"]
        verbose_name = _("acknowledgement")
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "customer"],
                name="safety_acknowledged_once",
                violation_error_message=_("The notice is already acknowledged for this customer."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.notice_id}: {self.customer_id}"


class Incident(TenantModel, TimeStampedModel):
    """An adverse event or near miss with a device (negativ händelse, tillbud); holds no patient data."""

    tenant_field = "customer_id"

    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("device")
    )
    customer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer"), db_index=False
    )
    kind = models.CharField(_("kind"), max_length=16, choices=IncidentKind.choices)
    occurred_at = models.DateTimeField(_("when"))
    place = models.CharField(_("where"), max_length=200)
    description = models.TextField(_("what happened"))
    patient_harm = models.CharField(_("patient harmed"), max_length=8, choices=PatientHarm.choices)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by")
    )
    device_blocked = models.BooleanField(_("device blocked at once"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=IncidentStatus.choices, default=IncidentStatus.REPORTED
    )
    report_manufacturer = models.BooleanField(_("reported to the manufacturer"), null=True, blank=True)
    manufacturer_reference = models.CharField(_("manufacturer's reference"), max_length=80, blank=True)
    manufacturer_reported_on = models.DateField(_("reported to the manufacturer on"), null=True, blank=True)
    report_authority = models.BooleanField(_("reported to Läkemedelsverket"), null=True, blank=True)
    authority_reference = models.CharField(_("Läkemedelsverket's reference"), max_length=80, blank=True)
    authority_reported_on = models.DateField(_("reported to Läkemedelsverket on"), null=True, blank=True)
    assessment = models.TextField(_("assessment"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(_("assessed"), null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [
            models.Index(fields=["customer", "occurred_at"], name="safety_incident_customer"),
            models.Index(fields=["status", "occurred_at"], name="safety_incident_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"
