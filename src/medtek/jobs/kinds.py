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
    `cleanup(job)` runs after the work, whatever happened (removes an uploaded file).

    For starting the same work again from a failed job's page ("Run again"): `capability` is what
    starting it needs; `inputs(job)` whether what it read is still there (None: its params are all it
    needs); `again(job, user)` starts it (None: a job of the same params); `form_url(job)` is the page
    that starts it anew when the inputs are gone. `atomic`: the work writes all of it or nothing, so a
    worker that dies in it leaves nothing behind (the failed job says so).
    """

    name: str
    label: Any  # a lazy translation
    run: Callable[[Job, Progress], dict[str, Any]]
    template: str
    cleanup: Callable[[Job], None] | None = None
    capability: str = "view"
    atomic: bool = False
    inputs: Callable[[Job], bool] | None = None
    again: Callable[[Job, Any], Job] | None = None
    form_url: Callable[[Job], str] | None = None


KINDS: dict[str, JobKind] = {}


def register_kind(kind: JobKind) -> None:
    KINDS[kind.name] = kind


def kind_of(name: str) -> JobKind | None:
    return KINDS.get(name)
