"""Long work started from a page runs as a job: the page follows its state and counts to the result."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medtek.inventory.importer import import_devices
from medtek.inventory.jobs import import_result
from medtek.inventory.models import Device
from medtek.inventory.tests.factories import DeviceModelFactory
from medtek.jobs.choices import JobState
from medtek.jobs.kinds import KINDS, JobKind
from medtek.jobs.models import Job
from medtek.jobs.progress import Progress
from medtek.jobs.tests.helpers import post_and_follow

GOOD = "asset_number;model;owner\n" + "".join(f"J-{i};Infusomat Space;BERG\n" for i in (1, 2, 3))
BAD = "asset_number;model;owner\nJ-1;Infusomat Space;BERG\nJ-2;Okänd;BERG\nJ-3;Infusomat Space;NOPE\n"


@pytest.fixture
def w(world: Any, settings: Any, tmp_path: Any) -> Any:
    settings.MEDTEK_JOB_FILES_DIR = tmp_path / "job-files"
    world.berg.short_code = "BERG"
    world.berg.save()
    DeviceModelFactory(name="Infusomat Space")
    return world


def swedish(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(user)
    return client


def start_import(user: Any, content: str, *, dry_run: bool = False) -> Any:
    upload = SimpleUploadedFile("enheter.csv", content.encode(), content_type="text/csv")
    data: dict[str, Any] = {"file": upload}
    if dry_run:
        data["dry_run"] = "on"
    return post_and_follow(swedish(user), reverse("inventory:device_import"), data)


def test_an_import_runs_as_a_job_to_done_with_the_rows_checked_and_written(w: Any) -> None:
    response = start_import(w.admin, GOOD)
    job = Job.objects.get()
    assert (job.state, job.checked, job.written, job.kind) == (JobState.DONE, 3, 3, "inventory.import")
    assert job.started_by == w.admin and job.organisation == w.mt
    assert job.started_at is not None and job.finished_at is not None
    page = response.content.decode()
    assert "Klar" in page and "3 inventarier importerade." in page
    assert Device.objects.filter(asset_number__in=["J-1", "J-2", "J-3"]).count() == 3


def test_the_uploaded_file_is_removed_once_the_import_has_run(w: Any, settings: Any) -> None:
    start_import(w.admin, GOOD)
    assert list(settings.MEDTEK_JOB_FILES_DIR.iterdir()) == []


@pytest.mark.parametrize("content", [GOOD, BAD], ids=["good", "bad"])
def test_the_import_jobs_result_is_the_report_the_import_gives(w: Any, content: str) -> None:
    with transaction.atomic():
        expected = import_result(import_devices(user=w.admin, data=content.encode(), filename="enheter.csv"))
        transaction.set_rollback(True)
    start_import(w.admin, content)
    assert Job.objects.get().result == expected


def test_a_bad_file_shows_each_error_with_its_row_and_column_on_the_job_page(w: Any) -> None:
    response = start_import(w.admin, BAD)
    job = Job.objects.get()
    assert (job.state, job.checked, job.written) == (JobState.DONE, 3, 0)
    errors = [(e["row"], e["column"]) for e in response.context["result"]["errors"]]
    assert errors == [(2, "model"), (3, "owner")]
    assert "Filen har 2 fel på 2 rader. Inget sparades." in response.content.decode()
    assert not Device.objects.filter(asset_number="J-1").exists()


def test_a_dry_run_job_checks_the_rows_and_writes_none(w: Any) -> None:
    response = start_import(w.admin, GOOD, dry_run=True)
    job = Job.objects.get()
    assert (job.state, job.checked, job.written) == (JobState.DONE, 3, 0)
    assert "Provkörning: 3 rader kontrollerade" in response.content.decode()


def test_a_job_no_worker_has_taken_says_so_after_a_while(w: Any) -> None:
    client = swedish(w.admin)
    response = client.post(
        reverse("inventory:device_import"),
        {"file": SimpleUploadedFile("enheter.csv", GOOD.encode(), content_type="text/csv")},
    )
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:job_detail", kwargs={"job_id": job.pk})
    page = client.get(response["Location"]).content.decode()
    assert "Väntar" in page and 'id="job-unclaimed" hidden' in page
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=2))
    page = client.get(response["Location"]).content.decode()
    assert 'id="job-unclaimed">Ingen bakgrundsprocess har tagit jobbet' in page
    status = client.get(reverse("jobs:job_status", kwargs={"job_id": job.pk})).json()
    assert status["state"] == "waiting" and status["unclaimed"] is True and status["finished"] is False


def test_a_failing_job_is_failed_with_the_reason_and_its_page_says_it(w: Any, monkeypatch: Any) -> None:
    from django.core.exceptions import ValidationError

    from medtek.jobs.services import job_start

    def refuse(job: Any, progress: Any) -> dict[str, Any]:
        raise ValidationError("Perioden är stängd.")

    monkeypatch.setitem(KINDS, "test.refuse", JobKind("test.refuse", "Test", refuse, "jobs/job_list.html"))
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        job = job_start(user=w.admin, kind="test.refuse", capability="view")
    job.refresh_from_db()
    assert (job.state, job.error) == (JobState.FAILED, "Perioden är stängd.")
    page = swedish(w.admin).get(reverse("jobs:job_detail", kwargs={"job_id": job.pk})).content.decode()
    assert "Misslyckades" in page and "Perioden är stängd." in page


def test_the_planning_run_is_a_job_with_the_work_orders_it_made(w: Any) -> None:
    from medtek.maintenance.models import PlanRun

    response = post_and_follow(swedish(w.admin), reverse("maintenance:plan"), {"horizon_days": "30"})
    job = Job.objects.get(kind="maintenance.plan")
    run = PlanRun.objects.get()
    assert job.state == JobState.DONE
    assert job.result["work_orders"] == run.work_orders_created
    assert job.result["horizon_end"] == run.horizon_end.isoformat()
    assert "Klar" in response.content.decode()


def test_a_billing_run_is_a_job_with_the_invoices_it_drafted(demo: Any) -> None:
    from medtek.billing.models import Invoice

    admin = demo["users"]["mt-admin"]
    response = post_and_follow(
        swedish(admin), reverse("billing:run_list"), {"part": "fixed", "period": "2025H2"}
    )
    job = Job.objects.get(kind="billing.run")
    drafted = Invoice.objects.filter(period="2025H2", part="fixed")
    assert job.state == JobState.DONE
    assert (job.result["created"], job.result["period"]) == (drafted.count(), "2025H2")
    assert job.result["created"] == 8
    page = response.content.decode()
    assert "2025H2: 8 fakturautkast skapade, 0 uppdaterade, 0 oförändrade." in page


def test_a_bad_billing_period_is_refused_on_the_form_and_starts_no_job(w: Any) -> None:
    response = swedish(w.admin).post(reverse("billing:run_list"), {"part": "fixed", "period": "2025-13"})
    assert response.status_code == 422
    assert response.context["form"].errors["period"]
    assert not Job.objects.exists()


# Who sees a job ------------------------------------------------------------------------------------


def _job_of(w: Any, user: Any) -> Job:
    start_import(user, GOOD.replace("J-", f"{user.username}-"))
    return Job.objects.filter(started_by=user).latest("pk")


def test_another_user_does_not_see_my_job(w: Any) -> None:
    from medtek.organizations.choices import Role
    from medtek.organizations.tests.factories import user_with_role

    job = _job_of(w, w.admin)
    colleague = user_with_role(w.mt, Role.MT_TECHNICIAN, username="tech2")
    for name in ("jobs:job_detail", "jobs:job_status"):
        url = reverse(name, kwargs={"job_id": job.pk})
        assert swedish(colleague).get(url).status_code == 404
        assert swedish(w.auditor).get(url).status_code == 404
    assert job.pk not in [j.pk for j in swedish(colleague).get(reverse("jobs:job_list")).context["jobs"]]


def test_an_mt_admin_sees_the_departments_jobs(w: Any) -> None:
    from medtek.organizations.choices import Role
    from medtek.organizations.tests.factories import user_with_role

    job = _job_of(w, w.admin)
    other_admin = user_with_role(w.mt, Role.MT_ADMIN, username="admin2")
    assert swedish(other_admin).get(reverse("jobs:job_detail", kwargs={"job_id": job.pk})).status_code == 200


def test_another_tenants_admin_does_not_see_the_job(w: Any) -> None:
    job = _job_of(w, w.admin)
    url = reverse("jobs:job_detail", kwargs={"job_id": job.pk})
    assert swedish(w.foreign_admin).get(url).status_code == 404
    assert list(swedish(w.foreign_admin).get(reverse("jobs:job_list")).context["jobs"]) == []


def test_my_runs_lists_my_jobs_newest_first_and_is_in_the_navigation(w: Any) -> None:
    first = _job_of(w, w.admin)
    second = _job_of(w, w.admin)
    response = swedish(w.admin).get(reverse("jobs:job_list"))
    assert [j.pk for j in response.context["jobs"]] == [second.pk, first.pk]
    page = response.content.decode()
    assert "Mina körningar" in page and "Inventarieimport" in page
    assert f'href="{reverse("jobs:job_list")}"' in page


# Progress ------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_progress_outside_a_transaction_is_written_at_once(event_log_flushable: Any) -> None:
    job = Job.objects.create(kind="inventory.import", state=JobState.RUNNING)
    progress = Progress(job.pk)
    progress(checked=1000, step="Kontrollerar", force=True)
    job.refresh_from_db()
    assert (job.checked, job.written, job.step) == (1000, 0, "Kontrollerar")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a second connection waits for SQLite's lock")
def test_progress_inside_the_works_transaction_is_visible_before_it_ends(event_log_flushable: Any) -> None:
    job = Job.objects.create(kind="inventory.import", state=JobState.RUNNING)
    progress = Progress(job.pk)
    with transaction.atomic():
        Device.objects.exists()
        progress(checked=2000, force=True)
        progress.close()
        transaction.set_rollback(True)  # the work's own transaction fails; its progress was written aside
    job.refresh_from_db()
    assert job.checked == 2000
