from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeAction(models.TextChoices):
    """What the manufacturer's field safety notice tells the users to do."""

    INSPECT = "inspect", _("Inspect the device")
    UPDATE_SOFTWARE = "update_software", _("Update the software")
    REPLACE_PART = "replace_part", _("Replace a part")
    STOP_USING = "stop_using", _("Stop using the device")


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate")
    HIGH = "high", _("High: act within 30 days")
    ROUTINE = "routine", _("Routine: at the next maintenance")


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Decision(models.TextChoices):
    PENDING = "pending", _("Not checked")
    AFFECTED = "affected", _("Affected")
    NOT_AFFECTED = "not_affected", _("Not affected after check")


class Source(models.TextChoices):
    CRITERIA = "criteria", _("Model, UDI-DI, lot or serial range")
    FILE = "file", _("Manufacturer's list")


class IncidentKind(models.TextChoices):
    ADVERSE_EVENT = "adverse_event", _("Adverse event")
    NEAR_MISS = "near_miss", _("Near miss")


class PatientHarm(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("Reported, awaiting assessment")
    ASSESSED = "assessed", _("Assessed")


class EventKind:
    """Kinds of events the safety app writes."""

    NOTICE_REGISTERED = "safety.notice_registered"
    NOTICE_SEARCHED = "safety.notice_searched"
    NOTICE_LIST_IMPORTED = "safety.notice_list_imported"
    DEVICE_DECIDED = "safety.device_decided"
    WORK_ORDERS_CREATED = "safety.work_orders_created"
    NOTICE_ACKNOWLEDGED = "safety.notice_acknowledged"
    NOTICE_CLOSED = "safety.notice_closed"
    INCIDENT_REPORTED = "safety.incident_reported"
    INCIDENT_ASSESSED = "safety.incident_assessed"
