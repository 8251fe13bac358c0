"""Long work started from a page (an import, a planning or billing run), run by the worker."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medtek.jobs.choices import FINISHED, JobState
from medtek.jobs.querysets import JobQuerySet
from medtek.organizations.models import Organisation, TenantModel


class Job(TenantModel):
    """One run of long work: who started it for which organisation, how far it has come, and its
    result (a small summary with a link) or the reason it failed. Its starter follows it on its page."""

    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    state = models.CharField(_("state"), max_length=10, choices=JobState.choices, default=JobState.WAITING)
    language = models.CharField(max_length=10, blank=True)
    params = models.JSONField(default=dict, blank=True)
    title = models.CharField(_("what"), max_length=200, blank=True)
    step = models.CharField(_("step"), max_length=200, blank=True)
    checked = models.PositiveIntegerField(_("rows checked"), default=0)
    written = models.PositiveIntegerField(_("rows written"), default=0)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Written while the job runs (its progress, and the worker every MEDTEK_JOB_HEARTBEAT_SECONDS): a
    # running job whose heartbeat is older than MEDTEK_JOB_STALE_SECONDS lost its worker.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects: ClassVar[JobQuerySet] = JobQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["started_by", "-created_at"], name="job_starter_idx"),
            models.Index(fields=["organisation", "-created_at"], name="job_org_idx"),
            models.Index(fields=["heartbeat_at"], name="job_running_idx", condition=Q(state="running")),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.state in FINISHED
