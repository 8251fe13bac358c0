"""The PM planning run as a job, started from the FU page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medtek.jobs.kinds import JobKind, register_kind
from medtek.jobs.models import Job
from medtek.jobs.progress import Progress
from medtek.jobs.services import job_start
from medtek.maintenance import services
from medtek.organizations.rules import Cap

PLAN_KIND = "maintenance.plan"


def plan_start(*, user: Any, horizon_days: int) -> Job:
    """Start the PM planner for the horizon as a job."""
    return job_start(
        user=user,
        kind=PLAN_KIND,
        capability=Cap.WORK_MANAGE,
        title=_("%(days)s days ahead") % {"days": horizon_days},
        params={"horizon_days": int(horizon_days)},
    )


def _run(job: Job, progress: Progress) -> dict[str, Any]:
    progress(step=_("Planning PM work orders…"), force=True)
    run = services.plan_maintenance(user=job.started_by, horizon_days=int(job.params["horizon_days"]))
    return {
        "horizon_end": run.horizon_end.isoformat(),
        "work_orders": run.work_orders_created,
        "watch_items": run.watch_items_created,
        "url": reverse("maintenance:pm_due"),
        "work_orders_url": reverse("maintenance:work_order_list"),
    }


def register() -> None:
    register_kind(
        JobKind(
            name=PLAN_KIND,
            label=gettext_lazy("PM planning"),
            run=_run,
            template="maintenance/_plan_job_result.html",
            capability=Cap.WORK_MANAGE,
            atomic=True,  # the planner creates its work orders in one transaction
            form_url=lambda job: reverse("maintenance:plan"),
        )
    )
