"""The kinds of long work a page may start as a job. Each app registers its own in AppConfig.ready, so
the jobs app runs an import or a billing run without importing the app that does it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from medtek.jobs.models import Job
    from medtek.jobs.progress import Progress


@dataclass(frozen=True)
class JobKind:
    """`run(job, progress)` does the work as the job's starter and returns the result: a small JSON
    summary the kind's `template` shows on the job page (with `url`, a link to what was made).
    `cleanup(job)` runs after the work, whatever happened (removes an uploaded file)."""

    name: str
    label: Any  # a lazy translation
    run: Callable[[Job, Progress], dict[str, Any]]
    template: str
    cleanup: Callable[[Job], None] | None = None


KINDS: dict[str, JobKind] = {}


def register_kind(kind: JobKind) -> None:
    KINDS[kind.name] = kind


def kind_of(name: str) -> JobKind | None:
    return KINDS.get(name)
