from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkOrderKind(models.TextChoices):
    PM = "pm", _("Preventive maintenance (FU)")
    CM = "cm", _("Corrective maintenance (AU)")
    QC = "qc", _("Quality control")
    ADVICE = "advice", _("Advice")
    OTHER = "other", _("Other requested assignment")
    RECONDITIONING = "recond", _("Reconditioning (rekonditionering)")


class WorkOrderStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting")
    DONE = "done", _("Done")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class WaitingReason(models.TextChoices):
    PARTS = "parts", _("Waiting for parts")
    CUSTOMER = "customer", _("Waiting for the customer")


class MaterialKind(models.TextChoices):
    SPARE_PART = "spare_part", _("Spare part")
    CONSUMABLE = "consumable", _("Consumable")


class TimeBasis(models.TextChoices):
    CALENDAR = "calendar", _("Calendar time")
    WORKING = "working", _("Working time (weekdays 08-17)")


class ItemKind(models.TextChoices):
    CHECK = "check", _("Checklist item")
    MEASURE = "measure", _("Measured value")


class ProtocolResult(models.TextChoices):
    OPEN = "open", _("Open")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class WatchStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed done by the external party")


class SlaState(models.TextChoices):
    NONE = "none", _("No target")
    OK = "ok", _("Within target")
    AT_RISK = "at_risk", _("At risk")
    BREACHED = "breached", _("Breached")


class EventKind:
    """Kinds of events the maintenance app writes."""

    PM_PLANNED = "maintenance.pm_planned"
    PM_MODEL_SAVED = "maintenance.pm_model_saved"
    CM_MODEL_SAVED = "maintenance.cm_model_saved"
    PM_STATE_SET = "maintenance.pm_state_set"
    PROTOCOL_SAVED = "maintenance.protocol_saved"
    WO_CREATED = "workorder.created"
    WO_OPENED = "workorder.opened"
    WO_REPORTED = "workorder.reported"
    WO_TRIAGED = "workorder.triaged"
    WO_ASSIGNED = "workorder.assigned"
    WO_STATUS = "workorder.status_changed"
    WO_DONE = "workorder.done"
    WO_CLOSED = "workorder.closed"
    TIME_ADDED = "workorder.time_added"
    TRAVEL_ADDED = "workorder.travel_added"
    MATERIAL_ADDED = "workorder.material_added"
    QC_RECORDED = "qc.recorded"
    BLOCK_OVERRIDDEN = "qc.block_overridden"
    WATCH_CONFIRMED = "maintenance.watch_confirmed"
