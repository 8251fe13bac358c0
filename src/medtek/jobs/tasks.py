"""The worker's tasks of jobs: running a job started from a page, and failing those whose worker died."""

from __future__ import annotations

from django.core.management import call_command
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def run_job(job_id: int) -> None:
    from medtek.jobs.services import job_run

    job_run(job_id)


@db_periodic_task(crontab(minute="*/5"))
def recover() -> None:
    """Fail the jobs whose worker stopped answering; remove old uploaded files (`medtek jobs-recover`)."""
    call_command("jobs-recover")
