from django.db import models
from django.utils.translation import gettext_lazy as _


class BillingPart(models.TextChoices):
    FIXED = "fixed", _("Fixed part")
    VARIABLE = "variable", _("Variable part")
    ASSISTIVE = "assistive", _("Assistive-device rent")


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    CREDITED = "credited", _("Issued, credited")


class LineKind(models.TextChoices):
    FIXED = "fixed", _("Fixed part")
    TIME = "time", _("Hours")
    TRAVEL = "travel", _("Travel")
    MATERIAL = "material", _("Material")
    RENT = "rent", _("Rent")
    FEE = "fee", _("Fee")


class EventKind:
    RUN = "billing.run"
    ISSUED = "invoice.issued"
    CREDITED = "invoice.credit_note_created"
