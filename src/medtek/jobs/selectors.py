"""Reading jobs: always through `Job.objects.visible_to`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from medtek.jobs.choices import JobState
from medtek.jobs.models import Job


def job_list(*, user: Any, limit: int = 50) -> QuerySet[Job]:
    """The user's recent jobs (an MT admin's: its department's), newest first."""
    return Job.objects.visible_to(user).select_related("started_by").order_by("-created_at", "-id")[:limit]


def job_get(*, user: Any, job_id: int) -> Job:
    return Job.objects.select_related("started_by").get_visible(user, pk=job_id)


def job_unclaimed(job: Job, *, now: dt.datetime | None = None) -> bool:
    """Whether the job has waited so long that no worker seems to run."""
    waited = (now or timezone.now()) - job.created_at
    return job.state == JobState.WAITING and waited.total_seconds() >= settings.MEDTEK_JOB_UNCLAIMED_SECONDS
