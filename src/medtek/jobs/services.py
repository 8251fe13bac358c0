"""Starting a job and running it in the worker."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from medtek.jobs.choices import JobState
from medtek.jobs.kinds import kind_of
from medtek.jobs.models import Job
from medtek.jobs.progress import Progress
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
    reason. A job already taken (a task delivered twice) is left alone."""
    taken = Job.objects.filter(pk=job_id, state=JobState.WAITING).update(
        state=JobState.RUNNING, started_at=timezone.now(), updated_at=timezone.now()
    )
    if not taken:
        return None
    job = Job.objects.select_related("started_by").get(pk=job_id)
    kind = kind_of(job.kind)
    progress = Progress(job.pk)
    result: dict[str, Any] = {}
    error = ""
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            if kind is None:
                raise ValidationError(_("This kind of run is no longer known."))
            if job.started_by is None or not job.started_by.is_active:
                raise PermissionDenied(_("The user who started the run may no longer run it."))
            result = kind.run(job, progress)
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
    fields: dict[str, Any] = {
        **{k: v for k, v in progress.values.items() if k in {"checked", "written"}},
        "state": JobState.FAILED if error else JobState.DONE,
        "result": result,
        "error": error,
        "step": "",
        "finished_at": timezone.now(),
    }
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=[*fields, "updated_at"])
    return job
