"""The worker's task that runs a job started from a page."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def run_job(job_id: int) -> None:
    from medtek.jobs.services import job_run

    job_run(job_id)
