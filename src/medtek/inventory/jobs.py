"""The device import as a job: a page hands the uploaded file to the worker and follows its progress."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from medtek.inventory.importer import ImportReport, import_devices
from medtek.jobs.files import job_file_claim, job_file_exists, job_file_path, job_file_remove, job_file_save
from medtek.jobs.kinds import JobKind, register_kind
from medtek.jobs.models import Job
from medtek.jobs.progress import Progress
from medtek.jobs.services import job_start
from medtek.organizations.rules import Cap

IMPORT_KIND = "inventory.import"
# The errors a report shows (the import keeps more, and counts all).
IMPORT_ERRORS_SHOWN = 500


def import_error_summary(report: ImportReport) -> str:
    """'The file has 3 errors on 2 rows. Nothing was saved.'"""
    return _("The file has %(errors)s on %(rows)s. Nothing was saved.") % {
        "errors": ngettext("%(n)s error", "%(n)s errors", report.error_count) % {"n": report.error_count},
        "rows": ngettext("%(n)s row", "%(n)s rows", report.error_rows) % {"n": report.error_rows},
    }


def import_result(report: ImportReport) -> dict[str, Any]:
    """The import's report as the job keeps it: counts, the first errors with row and column, a link."""
    result = report.as_dict()
    result["errors"] = result["errors"][:IMPORT_ERRORS_SHOWN]
    result["errors_hidden"] = max(0, report.error_count - len(result["errors"]))
    result["error_summary"] = import_error_summary(report) if not report.ok else ""
    result["url"] = reverse("inventory:device_list")
    return result


def device_import_start(*, user: Any, upload: Any, dry_run: bool) -> Job:
    """Save the upload where the worker reads it and start the import as a job."""
    name = job_file_save(upload)
    try:
        return job_start(
            user=user,
            kind=IMPORT_KIND,
            capability=Cap.REGISTER_IMPORT,
            title=str(upload.name)[:200],
            params={"file": name, "filename": str(upload.name), "dry_run": bool(dry_run)},
        )
    except BaseException:
        job_file_remove(name)
        raise


def _run(job: Job, progress: Progress) -> dict[str, Any]:
    def told(phase: str, checked: int, written: int) -> None:
        if phase == "writing":
            progress(checked=checked, step=_("Writing the devices…"), force=True)
        elif phase == "done":
            progress(checked=checked, written=written, force=True)
        else:
            progress(checked=checked, step=_("Checking the rows…"))

    with job_file_path(job.params["file"]).open("rb") as data:
        report = import_devices(
            user=job.started_by,
            data=data,
            filename=job.params.get("filename", ""),
            dry_run=bool(job.params.get("dry_run")),
            progress=told,
        )
    progress(checked=report.rows, written=report.created, force=True)
    return import_result(report)


def _cleanup(job: Job) -> None:
    job_file_remove(job.params.get("file", ""))


def _file_kept(job: Job) -> bool:
    return job_file_exists(job.params.get("file", ""))


def _again(job: Job, user: Any) -> Job:
    """Import a failed job's file again as a new job, which takes the file over (of two clicks, one)."""
    try:
        name = job_file_claim(job.params.get("file", ""))
    except (FileNotFoundError, ValueError) as exc:
        raise ValidationError(_("The file is no longer kept: upload it again.")) from exc
    try:
        return job_start(
            user=user,
            kind=IMPORT_KIND,
            capability=Cap.REGISTER_IMPORT,
            title=job.title,
            params={**job.params, "file": name},
        )
    except BaseException:
        job_file_remove(name)
        raise


def register() -> None:
    register_kind(
        JobKind(
            name=IMPORT_KIND,
            label=gettext_lazy("Device import"),
            run=_run,
            template="inventory/_import_job_result.html",
            cleanup=_cleanup,
            capability=Cap.REGISTER_IMPORT,
            atomic=True,  # checked, then written in one transaction (all rows or none)
            inputs=_file_kept,
            again=_again,
            form_url=lambda job: reverse("inventory:device_import"),
        )
    )
