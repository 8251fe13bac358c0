"""A job whose worker died does not stay "running": it is failed with the reason, and its starter runs
the same work again from its page. Uploaded files do not outlive their use."""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from medtek.inventory.models import Device
from medtek.inventory.tests.factories import DeviceModelFactory
from medtek.jobs.choices import JobState
from medtek.jobs.models import Job
from medtek.jobs.progress import Heartbeat, Progress
from medtek.jobs.tasks import recover, run_job

GOOD = "asset_number;model;owner\n" + "".join(f"R-{i};Infusomat Space;BERG\n" for i in (1, 2, 3))
REASON = "Körningen avbröts: arbetsprocessen slutade svara."
NOTHING_SAVED = "Inget av den sparades."


@pytest.fixture
def w(world: Any, settings: Any, tmp_path: Any) -> Any:
    settings.MEDTEK_JOB_FILES_DIR = tmp_path / "job-files"
    settings.MEDTEK_JOB_STALE_SECONDS = 300
    world.berg.short_code = "BERG"
    world.berg.save()
    DeviceModelFactory(name="Infusomat Space")
    return world


def swedish(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(user)
    return client


def job_page(user: Any, job: Job) -> str:
    return swedish(user).get(reverse("jobs:job_detail", kwargs={"job_id": job.pk})).content.decode()


def files(settings: Any) -> list[Path]:
    return sorted(settings.MEDTEK_JOB_FILES_DIR.iterdir())


def import_left_by_a_dead_worker(user: Any, *, silent_for: dt.timedelta) -> Job:
    """An import started from its page that a worker took and then died in, the job last heard of
    `silent_for` ago (the page's job is handed to no worker: its commit callbacks are not run)."""
    upload = SimpleUploadedFile("enheter.csv", GOOD.encode(), content_type="text/csv")
    swedish(user).post(reverse("inventory:device_import"), {"file": upload})
    job = Job.objects.get()
    heard = timezone.now() - silent_for
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, started_at=heard, heartbeat_at=heard)
    job.refresh_from_db()
    return job


def plan_left_by_a_dead_worker(user: Any) -> Job:
    swedish(user).post(reverse("maintenance:plan"), {"horizon_days": "30"})
    job = Job.objects.get(kind="maintenance.plan")
    heard = timezone.now() - dt.timedelta(hours=1)
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, started_at=heard, heartbeat_at=heard)
    return job


# Failing a job whose worker died ------------------------------------------------------------------


def test_the_recover_command_fails_a_running_job_whose_worker_fell_silent(w: Any) -> None:
    job = import_left_by_a_dead_worker(w.admin, silent_for=dt.timedelta(minutes=10))
    out = io.StringIO()
    call_command("jobs-recover", stdout=out)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.finished_at is not None
    assert job.error.startswith(REASON)
    assert "Failed 1 stale jobs" in out.getvalue()


def test_the_workers_periodic_task_fails_a_running_job_whose_worker_fell_silent(w: Any) -> None:
    job = import_left_by_a_dead_worker(w.admin, silent_for=dt.timedelta(minutes=10))
    recover()
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error.startswith(REASON)


def test_the_job_page_of_a_failed_stale_job_says_the_worker_stopped_answering(w: Any) -> None:
    job = import_left_by_a_dead_worker(w.admin, silent_for=dt.timedelta(minutes=10))
    call_command("jobs-recover", stdout=io.StringIO())
    page = job_page(w.admin, job)
    assert "Misslyckades" in page and REASON in page
    assert "Kör igen" in page


def test_reading_the_job_page_fails_a_stale_job_without_the_worker_or_the_command(w: Any) -> None:
    job = import_left_by_a_dead_worker(w.admin, silent_for=dt.timedelta(minutes=10))
    page = job_page(w.admin, job)
    assert "Misslyckades" in page and REASON in page
    job.refresh_from_db()
    assert job.state == JobState.FAILED


def test_reading_my_runs_fails_a_stale_job(w: Any) -> None:
    job = import_left_by_a_dead_worker(w.admin, silent_for=dt.timedelta(minutes=10))
    page = swedish(w.admin).get(reverse("jobs:job_list")).content.decode()
    assert "Misslyckades" in page and "Pågår" not in page
    job.refresh_from_db()
    assert job.state == JobState.FAILED


def test_polling_a_stale_job_tells_the_page_it_has_ended(w: Any) -> None:
    job = import_left_by_a_dead_worker(w.admin, silent_for=dt.timedelta(minutes=10))
    status = swedish(w.admin).get(reverse("jobs:job_status", kwargs={"job_id": job.pk})).json()
    assert (status["state"], status["finished"]) == ("failed", True)


def test_a_running_job_heard_from_lately_is_left_running(w: Any) -> None:
    job = import_left_by_a_dead_worker(w.admin, silent_for=dt.timedelta(seconds=20))
    out = io.StringIO()
    call_command("jobs-recover", stdout=out)
    recover()
    job.refresh_from_db()
    assert (job.state, job.error) == (JobState.RUNNING, "")
    assert "Failed 0 stale jobs" in out.getvalue()
    page = job_page(w.admin, job)
    assert "Pågår" in page and REASON not in page and "Kör igen" not in page


def test_a_job_that_ended_is_not_failed_however_long_ago(w: Any) -> None:
    job = import_left_by_a_dead_worker(w.admin, silent_for=dt.timedelta(days=2))
    Job.objects.filter(pk=job.pk).update(state=JobState.DONE)
    call_command("jobs-recover", stdout=io.StringIO())
    job.refresh_from_db()
    assert (job.state, job.error) == (JobState.DONE, "")


POSTGRESQL = connection.vendor == "postgresql"


@pytest.mark.skipif(not POSTGRESQL, reason="on SQLite the result follows the work's commit")
def test_on_postgresql_a_failed_stale_import_says_nothing_of_it_was_saved(w: Any) -> None:
    job = import_left_by_a_dead_worker(w.admin, silent_for=dt.timedelta(minutes=10))
    call_command("jobs-recover", stdout=io.StringIO())
    assert f"{REASON} {NOTHING_SAVED}" in job_page(w.admin, job)


@pytest.mark.skipif(POSTGRESQL, reason="on PostgreSQL the result is written with the work")
def test_on_sqlite_a_failed_stale_job_claims_nothing_about_what_was_saved(w: Any) -> None:
    job = import_left_by_a_dead_worker(w.admin, silent_for=dt.timedelta(minutes=10))
    call_command("jobs-recover", stdout=io.StringIO())
    job.refresh_from_db()
    assert job.error == REASON


# The heartbeat --------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_progress_and_the_workers_beat_are_the_jobs_heartbeat(event_log_flushable: Any) -> None:
    long_ago = timezone.now() - dt.timedelta(hours=1)
    job = Job.objects.create(kind="inventory.import", state=JobState.RUNNING, heartbeat_at=long_ago)
    Progress(job.pk)(checked=10, force=True)
    job.refresh_from_db()
    assert job.heartbeat_at is not None and job.heartbeat_at > long_ago
    Job.objects.filter(pk=job.pk).update(heartbeat_at=long_ago)
    Heartbeat(job.pk, every=30).beat()
    job.refresh_from_db()
    assert job.heartbeat_at is not None and job.heartbeat_at > long_ago


@pytest.mark.django_db(transaction=True)
def test_the_beat_leaves_a_job_that_has_ended_alone(event_log_flushable: Any) -> None:
    long_ago = timezone.now() - dt.timedelta(hours=1)
    job = Job.objects.create(kind="inventory.import", state=JobState.FAILED, heartbeat_at=long_ago)
    Heartbeat(job.pk, every=30).beat()
    job.refresh_from_db()
    assert job.heartbeat_at == long_ago


def test_a_job_run_by_the_worker_starts_with_a_heartbeat(w: Any) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        swedish(w.admin).post(
            reverse("inventory:device_import"),
            {"file": SimpleUploadedFile("enheter.csv", GOOD.encode(), content_type="text/csv")},
        )
    job = Job.objects.get()
    assert job.state == JobState.DONE
    assert job.heartbeat_at is not None and job.started_at is not None and job.heartbeat_at >= job.started_at


# Uploaded files ----------------------------------------------------------------------------------


def test_the_file_of_an_import_that_failed_is_removed_once_it_has_run(w: Any, settings: Any) -> None:
    swedish(w.admin).post(
        reverse("inventory:device_import"),
        {"file": SimpleUploadedFile("enheter.csv", GOOD.encode(), content_type="text/csv")},
    )
    job = Job.objects.get()
    assert len(files(settings)) == 1
    w.admin.is_active = False
    w.admin.save()
    run_job(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert files(settings) == []


def test_a_stale_jobs_file_is_kept_to_run_it_again_and_removed_after_the_days_kept(
    w: Any, settings: Any
) -> None:
    job = import_left_by_a_dead_worker(w.admin, silent_for=dt.timedelta(minutes=10))
    call_command("jobs-recover", stdout=io.StringIO())
    [kept] = files(settings)
    eight_days_ago = time.time() - 8 * 24 * 3600
    os.utime(kept, (eight_days_ago, eight_days_ago))
    out = io.StringIO()
    call_command("jobs-recover", stdout=out)
    assert files(settings) == [] and "removed 1 old files" in out.getvalue()
    page = job_page(w.admin, job)
    assert "Kör igen" not in page
    assert f'href="{reverse("inventory:device_import")}"' in page and "Starta en ny körning" in page


def test_a_recent_file_and_the_file_of_a_job_still_waiting_are_kept(w: Any, settings: Any) -> None:
    swedish(w.admin).post(
        reverse("inventory:device_import"),
        {"file": SimpleUploadedFile("enheter.csv", GOOD.encode(), content_type="text/csv")},
    )
    [waiting] = files(settings)
    eight_days_ago = time.time() - 8 * 24 * 3600
    os.utime(waiting, (eight_days_ago, eight_days_ago))
    recent = settings.MEDTEK_JOB_FILES_DIR / "0123abcd"
    recent.write_bytes(b"x")
    call_command("jobs-recover", stdout=io.StringIO())
    assert files(settings) == sorted([waiting, recent])


# Running it again --------------------------------------------------------------------------------


def test_run_again_imports_the_same_file_as_a_new_job(w: Any, settings: Any) -> None:
    stale = import_left_by_a_dead_worker(w.admin, silent_for=dt.timedelta(minutes=10))
    call_command("jobs-recover", stdout=io.StringIO())
    client = swedish(w.admin)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("jobs:job_again", kwargs={"job_id": stale.pk}))
    new = Job.objects.exclude(pk=stale.pk).get()
    assert response["Location"] == reverse("jobs:job_detail", kwargs={"job_id": new.pk})
    assert (new.kind, new.title, new.started_by) == ("inventory.import", "enheter.csv", w.admin)
    assert (new.state, new.checked, new.written) == (JobState.DONE, 3, 3)
    assert Device.objects.filter(asset_number__in=["R-1", "R-2", "R-3"]).count() == 3
    assert files(settings) == []
    assert "3 inventarier importerade." in client.get(response["Location"]).content.decode()


def test_a_stale_job_whose_file_was_taken_by_run_again_links_to_the_import_page(w: Any) -> None:
    stale = import_left_by_a_dead_worker(w.admin, silent_for=dt.timedelta(minutes=10))
    call_command("jobs-recover", stdout=io.StringIO())
    client = swedish(w.admin)
    url = reverse("jobs:job_again", kwargs={"job_id": stale.pk})
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(url)
    again = client.post(url)
    assert again.status_code == 422
    assert "Det som körningen läste finns inte kvar" in again.content.decode()
    assert Job.objects.count() == 2


def test_run_again_of_a_stale_planning_run_plans_anew(w: Any) -> None:
    stale = plan_left_by_a_dead_worker(w.admin)
    page = job_page(w.admin, stale)
    assert REASON in page and "Kör igen" in page
    with TestCase.captureOnCommitCallbacks(execute=True):
        swedish(w.admin).post(reverse("jobs:job_again", kwargs={"job_id": stale.pk}))
    new = Job.objects.filter(kind="maintenance.plan").exclude(pk=stale.pk).get()
    assert new.state == JobState.DONE and new.params == {"horizon_days": 30}


def test_a_job_that_has_not_failed_is_not_run_again(w: Any) -> None:
    job = import_left_by_a_dead_worker(w.admin, silent_for=dt.timedelta(seconds=20))
    response = swedish(w.admin).post(reverse("jobs:job_again", kwargs={"job_id": job.pk}))
    assert response.status_code == 422
    assert Job.objects.count() == 1


def test_opening_run_again_shows_the_jobs_page(w: Any) -> None:
    job = import_left_by_a_dead_worker(w.admin, silent_for=dt.timedelta(minutes=10))
    response = swedish(w.admin).get(reverse("jobs:job_again", kwargs={"job_id": job.pk}))
    assert response["Location"] == reverse("jobs:job_detail", kwargs={"job_id": job.pk})
