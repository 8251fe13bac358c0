from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a notification is about; each user chooses per kind how it reaches them."""

    WO_ASSIGNED_URGENT = "wo_assigned_urgent", _("Work order assigned to me (P1, P2)")
    WO_ASSIGNED = "wo_assigned", _("Work order assigned to me (other priorities)")
    FAULT_RECEIVED = "fault_received", _("My fault report was received")
    FAULT_PRIORITISED = "fault_prioritised", _("My fault report was prioritised")
    FAULT_DONE = "fault_done", _("My fault report was done")
    SLA_AT_RISK = "sla_at_risk", _("A CM target is at three quarters of its time")
    SLA_BREACHED = "sla_breached", _("A CM target was breached")
    PM_OVERDUE = "pm_overdue", _("Overdue PM per customer (weekly)")
    NOTICE_DEADLINE = "notice_deadline", _("An agreement's notice deadline is near")
    INDEX_MISSING = "index_missing", _("Next year's VPI figure is missing")
    INVOICE_ISSUED = "invoice_issued", _("An invoice was issued")
    SURPLUS_DECIDED = "surplus_decided", _("A decision on registered surplus")
    DIGEST = "digest", _("Daily digest")


class Mode(models.TextChoices):
    """How a kind of notification reaches a user."""

    EMAIL = "email", _("E-mail at once")
    DIGEST = "digest", _("Daily digest")
    APP = "app", _("In the app only")


class State(models.TextChoices):
    """Where a notification is on its way out."""

    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    IN_DIGEST = "in_digest", _("Waiting for the digest")
    DIGESTED = "digested", _("Sent in a digest")
    APP_ONLY = "app_only", _("In the app only")
    FAILED = "failed", _("Not delivered")
    WITHHELD = "withheld", _("Withheld: no longer visible to the recipient")
