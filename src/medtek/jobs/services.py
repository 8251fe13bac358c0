"""Starting a job, running it in the worker, failing a job whose worker died, and running one again."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from medtek.jobs.choices import FINISHED, JobState
from medtek.jobs.files import job_files_clean
from medtek.jobs.kinds import kind_of
from medtek.jobs.models import Job
from medtek.jobs.progress import Heartbeat, Progress
from medtek.organizations.scoping import scope_for

logger = logging.getLogger(__name__)


def job_organisation(user: Any, capability: str) -> int | None:
    """The organisation a user starts work for: its own (membership) organisation with the capability."""
    scope = scope_for(user)
    own = sorted(scope.home_org_ids & scope.org_ids(capability)) or sorted(scope.home_org_ids)
    return own[0] if own else None


def job_start(
    *, user: Any, kind: str, capability: str, title: str = "", params: dict[str, Any] | None = None
) -> Job:
    """Record a waiting job of `kind` for `user` and hand it to the worker once the record is committed."""
    if kind_of(kind) is None:
        raise ValueError(f"unknown job kind {kind!r}")
    scope_for(user).require(capability)
    job = Job.objects.create(
        organisation_id=job_organisation(user, capability),
        started_by=user if getattr(user, "pk", None) else None,
        kind=kind,
        title=title[:200],
        language=translation.get_language() or settings.LANGUAGE_CODE,
        params=params or {},
    )
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from medtek.jobs.tasks import run_job

    run_job(job_id)


def job_run(job_id: int) -> Job | None:
    """Run a waiting job (the worker's task): running, then done with its result or failed with the
    reason. A job already taken (a task delivered twice) is left alone.

    While it runs its heartbeat is written with its progress and at least every
    MEDTEK_JOB_HEARTBEAT_SECONDS (`job_recover` fails a job whose worker fell silent). On PostgreSQL the
    result of a kind whose work is one transaction (`atomic`) is written in that transaction: a worker
    that dies before the end leaves neither the work nor a result, which the failed job can then say."""
    now = timezone.now()
    taken = Job.objects.filter(pk=job_id, state=JobState.WAITING).update(
        state=JobState.RUNNING, started_at=now, heartbeat_at=now, updated_at=now
    )
    if not taken:
        return None
    job = Job.objects.select_related("started_by").get(pk=job_id)
    kind = kind_of(job.kind)
    progress = Progress(job.pk)
    error = ""
    with (
        translation.override(job.language or settings.LANGUAGE_CODE),
        Heartbeat(job.pk, settings.MEDTEK_JOB_HEARTBEAT_SECONDS),
    ):
        try:
            if kind is None:
                raise ValidationError(_("This kind of run is no longer known."))
            if job.started_by is None or not job.started_by.is_active:
                raise PermissionDenied(_("The user who started the run may no longer run it."))
            with transaction.atomic() if _all_or_nothing(job.kind) else contextlib.nullcontext():
                _finish(job, progress, result=kind.run(job, progress))
        except ValidationError as exc:
            error = " ".join(str(m) for m in exc.messages)
        except PermissionDenied as exc:
            error = str(exc) or _("You may not do this.")
        except Exception:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            error = _("The run stopped on an unexpected error; nothing of it was saved. Try again or ask MT.")
        finally:
            progress.close()
            if kind is not None and kind.cleanup is not None:
                kind.cleanup(job)
    if error:
        _finish(job, progress, error=error)
    return job


def _all_or_nothing(kind_name: str) -> bool:
    """Whether a job of this kind, cut off anywhere, has written nothing: its work is one transaction
    and (PostgreSQL) its result is written in it. On SQLite the result follows the work's commit, and
    the importer writes in a transaction of its own after checking outside one."""
    kind = kind_of(kind_name)
    return kind is not None and kind.atomic and connection.vendor == "postgresql"


def _finish(job: Job, progress: Progress, *, result: dict[str, Any] | None = None, error: str = "") -> None:
    fields: dict[str, Any] = {
        **{k: v for k, v in progress.values.items() if k in {"checked", "written"}},
        "state": JobState.FAILED if error else JobState.DONE,
        "result": {} if error else (result or {}),
        "error": error,
        "step": "",
        "finished_at": timezone.now(),
    }
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=[*fields, "updated_at"])


# A job whose worker died --------------------------------------------------------------------------


def _stale_since(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=settings.MEDTEK_JOB_STALE_SECONDS)


def _stale(now: dt.datetime) -> Q:
    cutoff = _stale_since(now)
    return Q(state=JobState.RUNNING) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, updated_at__lt=cutoff)
    )


def job_stale(job: Job, *, now: dt.datetime | None = None) -> bool:
    """Whether the job runs but its worker has been silent longer than MEDTEK_JOB_STALE_SECONDS."""
    last = job.heartbeat_at or job.updated_at
    return job.state == JobState.RUNNING and last is not None and last < _stale_since(now or timezone.now())


def _fail_stale(job: Job, now: dt.datetime) -> bool:
    """Fail the job as stale, unless it has told it is alive (or ended) meanwhile. Its file stays (for
    "Run again") until the files' days are out."""
    with translation.override(job.language or settings.LANGUAGE_CODE):
        reason = _("The run was stopped: the worker stopped answering.")
        if _all_or_nothing(job.kind):
            reason = f"{reason} {_('Nothing of it was saved.')}"
    fields = {"state": JobState.FAILED, "error": reason, "step": "", "finished_at": now, "updated_at": now}
    if not Job.objects.filter(_stale(now), pk=job.pk).update(**fields):
        return False
    logger.warning("job %s (%s): its worker stopped answering; failed", job.pk, job.kind)
    for name, value in fields.items():
        setattr(job, name, value)
    return True


def job_recover(*, now: dt.datetime | None = None) -> int:
    """Fail every running job whose worker stopped answering; the number failed."""
    now = now or timezone.now()
    stale = Job.objects.filter(_stale(now)).only("pk", "kind", "language", "state")
    return sum(_fail_stale(job, now) for job in stale)


def job_recover_shown(jobs: list[Job], *, now: dt.datetime | None = None) -> None:
    """Jobs a page is about to show: any whose worker stopped answering is failed first (and shown so);
    no query unless one is."""
    now = now or timezone.now()
    for job in jobs:
        if job_stale(job, now=now):
            try:
                with transaction.atomic():
                    _fail_stale(job, now)
            except DatabaseError:
                # SQLite's write lock held by long work: the page shows the job as it is, and the next
                # read or the worker's recovery fails it.
                logger.warning("job %s: not failed as stale on reading it", job.pk, exc_info=True)


def job_files_tidy(*, now: dt.datetime | None = None) -> int:
    """Remove the uploaded files older than MEDTEK_JOB_FILES_KEEP_DAYS (a job still to run keeps its
    own); the number removed."""
    pending = Job.objects.exclude(state__in=FINISHED).values_list("params", flat=True)
    keep = {str(params.get("file", "")) for params in pending if isinstance(params, dict)}
    return job_files_clean(older_than=dt.timedelta(days=settings.MEDTEK_JOB_FILES_KEEP_DAYS), keep=keep)


# Running a failed job again -----------------------------------------------------------------------


def job_inputs_kept(job: Job) -> bool:
    """Whether what the job read is still there to run it again (an import's file)."""
    kind = kind_of(job.kind)
    return kind is not None and (kind.inputs is None or kind.inputs(job))


def job_again(*, user: Any, job: Job) -> Job:
    """Start the work of a failed job again, as `user` (who must see the job and may start its kind)."""
    kind = kind_of(job.kind)
    if kind is None or job.state != JobState.FAILED:
        raise ValidationError(_("Only a failed run can be run again."))
    scope_for(user).require(kind.capability)
    if not job_inputs_kept(job):
        raise ValidationError(_("What the run read is no longer kept: start it anew from its page."))
    if kind.again is not None:
        return kind.again(job, user)
    return job_start(
        user=user, kind=kind.name, capability=kind.capability, title=job.title, params=job.params
    )
