"""The pages of jobs: "My runs" and a job's page, which follows its progress until the result."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from medtek.core.forms import handle_form
from medtek.jobs import selectors, services
from medtek.jobs.choices import JobState
from medtek.jobs.kinds import kind_of
from medtek.jobs.models import Job


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = list(selectors.job_list(user=request.user))
    services.job_recover_shown(jobs)
    for job in jobs:
        kind = kind_of(job.kind)
        job.kind_label = kind.label if kind else job.kind  # type: ignore[attr-defined]
    return render(request, "jobs/job_list.html", {"jobs": jobs})


def _job(request: HttpRequest, job_id: int) -> Job:
    """The job as the user may see it, failed first if its worker stopped answering."""
    job = selectors.job_get(user=request.user, job_id=job_id)
    services.job_recover_shown([job])
    return job


def _detail(request: HttpRequest, job: Job) -> HttpResponse:
    kind = kind_of(job.kind)
    failed = job.state == JobState.FAILED
    return render(
        request,
        "jobs/job_detail.html",
        {
            "job": job,
            "kind_label": kind.label if kind else job.kind,
            "result_template": kind.template if kind else "",
            "result": job.result,
            "unclaimed": selectors.job_unclaimed(job),
            "can_again": failed and services.job_inputs_kept(job),
            "form_url": kind.form_url(job) if failed and kind and kind.form_url else "",
        },
    )


@login_required
@require_GET
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    return _detail(request, _job(request, job_id))


@login_required
@require_http_methods(["GET", "POST"])
def job_again(request: HttpRequest, job_id: int) -> HttpResponse:
    """Run a failed job's work again as a new job ("Run again"); GET opens the job's page."""
    job = _job(request, job_id)
    if request.method == "GET":
        return redirect("jobs:job_detail", job_id=job.pk)

    return handle_form(
        request,
        forms.Form(request.POST),
        lambda data: services.job_again(user=request.user, job=job),
        done=lambda new: redirect("jobs:job_detail", job_id=new.pk),
        again=lambda form: _detail(request, job),
    )


@login_required
@require_GET
def job_status(request: HttpRequest, job_id: int) -> JsonResponse:
    """The job's state and counts, for the job page's script to poll."""
    job = _job(request, job_id)
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
