from django.db import models
from django.utils.translation import gettext_lazy as _


class IdentityKind(models.TextChoices):
    PERSONNUMMER = "personnummer", _("Personal identity number (personnummer)")
    SAMORDNINGSNUMMER = "samordningsnummer", _("Coordination number (samordningsnummer)")


class Profession(models.TextChoices):
    OCCUPATIONAL_THERAPIST = "ot", _("Occupational therapist (arbetsterapeut)")
    PHYSIOTHERAPIST = "pt", _("Physiotherapist (fysioterapeut)")
    NURSE = "nurse", _("Nurse (sjuksköterska)")


class PrescriptionStatus(models.TextChoices):
    OPEN = "open", _("Waiting for dispensing")
    DISPENSED = "dispensed", _("Dispensed")
    CANCELLED = "cancelled", _("Cancelled")


class ReturnCondition(models.TextChoices):
    GOOD = "good", _("Good")
    WORN = "worn", _("Worn")
    DAMAGED = "damaged", _("Damaged")


class AccessPurpose(models.TextChoices):
    PRESCRIPTION = "prescription", _("Prescription (förskrivning)")
    DISPENSING = "dispensing", _("Dispensing (utlämning)")
    LOAN = "loan", _("Loan follow-up")
    EXPORT = "export", _("Export")


class FailedDecision(models.TextChoices):
    REPAIR = "repair", _("Repair")
    SURPLUS = "surplus", _("Surplus case (reuse, aid, sale or scrapping decided there)")
    SCRAP = "scrap", _("Scrapping (a surplus case decided: destroy)")


class EventKind:
    """Kinds of events the assistive-device centre writes (never with a patient's identity)."""

    ARTICLE_SAVED = "assistive.article_saved"
    ITEM_ADDED = "assistive.item_added"
    PRESCRIBED = "assistive.prescribed"
    PRESCRIPTION_CANCELLED = "assistive.prescription_cancelled"
    DISPENSED = "assistive.dispensed"
    FITTED = "assistive.fitted"
    RETURNED = "assistive.returned"
    RECONDITIONED = "assistive.reconditioned"
    SURPLUS_DECIDED = "assistive.surplus_decided"
    REPAIR_DECIDED = "assistive.repair_decided"
