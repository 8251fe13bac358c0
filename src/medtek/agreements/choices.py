from django.db import models
from django.utils.translation import gettext_lazy as _


class AgreementKind(models.TextChoices):
    MT_SUPPORT = "mt_support", _("MT support (FU/AU)")
    MONITORING = "monitoring", _("Monitoring only (equipment MT lacks competence for)")


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
