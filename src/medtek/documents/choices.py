from django.db import models
from django.utils.translation import gettext_lazy as _


class AttachmentKind(models.TextChoices):
    MANUAL = "manual", _("Manual")
    SERVICE_REPORT = "service_report", _("Service report")
    CERTIFICATE = "certificate", _("Certificate")
    PHOTO = "photo", _("Photo")
    OTHER = "other", _("Other")


class TargetType(models.TextChoices):
    """What a file is attached to."""

    DEVICE = "device", _("Device")
    DEVICE_MODEL = "device_model", _("Device model")
    WORK_ORDER = "work_order", _("Work order")
    SURPLUS_ITEM = "surplus_item", _("Surplus item")
    AGREEMENT = "agreement", _("Agreement")
    INVOICE = "invoice", _("Invoice")


class LabelFormat(models.TextChoices):
    LABEL_62X29 = "62x29", _("Label printer, 62 × 29 mm")
    LABEL_50X25 = "50x25", _("Label printer, 50 × 25 mm")
    A4 = "a4", _("A4 sheet (3 × 8 labels, 70 × 37 mm)")


class EventKind:
    ATTACHED = "documents.attached"
    REMOVED = "documents.removed"
