"""Uploaded files a job reads later: kept in a private directory of the server's until the job is done.

With several servers the directory is one they and the worker share (docs/deployment.md). A job whose
worker died keeps its file for "Run again"; `job_files_clean` removes files older than the days kept."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings


def _directory() -> Path:
    path = Path(settings.MEDTEK_JOB_FILES_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def job_file_save(upload: Any) -> str:
    """Save an upload (read in chunks) under a random name; the name to give the job."""
    name = uuid.uuid4().hex
    target = _directory() / name
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return name


def job_file_path(name: str) -> Path:
    """The saved file of this name (only a name this module made: no directory parts)."""
    if not name or Path(name).name != name or not name.isalnum():
        raise ValueError(f"not a job file name: {name!r}")
    return _directory() / name


def job_file_remove(name: str) -> None:
    with contextlib.suppress(ValueError):
        job_file_path(name).unlink(missing_ok=True)


def job_file_exists(name: str) -> bool:
    try:
        return job_file_path(name).is_file()
    except ValueError:
        return False


def job_file_claim(name: str) -> str:
    """Give the file of `name` a new name for a new job (and a new time to be kept): the rename is
    atomic, so of two claims of one file only one gets it. FileNotFoundError when it is gone."""
    source = job_file_path(name)
    new = uuid.uuid4().hex
    target = _directory() / new
    os.rename(source, target)
    os.utime(target)
    return new


def job_files_clean(*, older_than: dt.timedelta, keep: Iterable[str] = ()) -> int:
    """Remove the files not changed for `older_than`, but those named in `keep` (jobs still to run);
    the number removed."""
    kept = set(keep)
    cutoff = time.time() - older_than.total_seconds()
    removed = 0
    for path in _directory().iterdir():
        if path.name in kept or not path.is_file():
            continue
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
    return removed
