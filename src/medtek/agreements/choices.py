from django.db import models
from django.utils.translation import gettext_lazy as _


class AgreementKind(models.TextChoices):
    MT_SUPPORT = "mt_support", _("MT support (FU/AU)")
    MONITORING = "monitoring", _("Monitoring only (equipment MT lacks competence for)")
    ASSISTIVE = "assistive", _("Assistive devices (rent of loans from HMC)")


class FixedPartMode(models.TextChoices):
    HOURS = "hours", _("Hours × the hourly rate")
    AMOUNTS = "amounts", _("Amounts in kronor")


class CountReference(models.TextChoices):
    DAY_BEFORE_PERIOD = "day_before", _("The last day before the period")
    PERIOD_START = "period_start", _("The first day of the period")


class RateRounding(models.TextChoices):
    KRONA = "krona", _("Whole kronor")
    ORE = "ore", _("Öre")


class AgreementStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_FORCE = "in_force", _("In force")
    TERMINATED = "terminated", _("Terminated (in force until its end)")
    ENDED = "ended", _("Ended")


class EventKind:
    AGREEMENT_CREATED = "agreement.created"
    AGREEMENT_UPDATED = "agreement.updated"
    AGREEMENT_TERMINATED = "agreement.terminated"
    RATE_SCHEDULE_CREATED = "rate_schedule.created"
    RATE_SCHEDULE_ROUNDING_CHANGED = "rate_schedule.rounding_changed"
    INDEX_FIGURE_ENTERED = "index_figure.entered"
    MONITORING_COVERAGE_SET = "agreement.monitoring_set"
    CONTACT_ADDED = "agreement.contact_added"
    CONTACT_REMOVED = "agreement.contact_removed"
    NOTICE_RECORDED = "agreement.notice_recorded"
    NOTICE_ACKNOWLEDGED = "agreement.notice_acknowledged"


class ContactRole(models.TextChoices):
    MAS = "mas", _("Medically responsible nurse (MAS)")
    MAR = "mar", _("Medically responsible for rehabilitation (MAR)")
    MT_COORDINATOR = "mt_coordinator", _("MT coordinator")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    OTHER = "other", _("Other contact")


class NoticeKind(models.TextChoices):
    NEW_UNIT = "new_unit", _("New care unit")
    CLOSED_UNIT = "closed_unit", _("Care unit closes")
    NEW_EQUIPMENT = "new_equipment", _("New kind of equipment")
    OPENING_HOURS = "opening_hours", _("Changed opening hours")
    OTHER = "other", _("Other changed condition or need")


class NoticeStatus(models.TextChoices):
    OPEN = "open", _("Awaiting acknowledgement")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


class Arena(models.TextChoices):
    """Where the conclusions of the joint evaluation are reported (the agreement's own words)."""

    LOCAL = "local", _("Lokal samverkansarena")
    COUNTY = "county", _("Länsövergripande tjänstepersonsarena")


class EvaluationEvent:
    STARTED = "evaluation.started"
    UPDATED = "evaluation.updated"
    ACTION_ADDED = "evaluation.action_added"
    ACTION_DONE = "evaluation.action_done"
    REPORTED = "evaluation.reported"
