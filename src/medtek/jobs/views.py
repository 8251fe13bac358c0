"""The pages of jobs: "My runs" and a job's page, which follows its progress until the result."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from medtek.jobs import selectors
from medtek.jobs.kinds import kind_of


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = list(selectors.job_list(user=request.user))
    for job in jobs:
        kind = kind_of(job.kind)
        job.kind_label = kind.label if kind else job.kind  # type: ignore[attr-defined]
    return render(request, "jobs/job_list.html", {"jobs": jobs})


@login_required
@require_GET
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.job_get(user=request.user, job_id=job_id)
    kind = kind_of(job.kind)
    return render(
        request,
        "jobs/job_detail.html",
        {
            "job": job,
            "kind_label": kind.label if kind else job.kind,
            "result_template": kind.template if kind else "",
            "result": job.result,
            "unclaimed": selectors.job_unclaimed(job),
        },
    )


@login_required
@require_GET
def job_status(request: HttpRequest, job_id: int) -> JsonResponse:
    """The job's state and counts, for the job page's script to poll."""
    job = selectors.job_get(user=request.user, job_id=job_id)
    return JsonResponse(
        {
            "state": job.state,
            "state_label": str(job.get_state_display()),
            "finished": job.finished,
            "checked": job.checked,
            "written": job.written,
            "step": job.step,
            "unclaimed": selectors.job_unclaimed(job),
        }
    )
