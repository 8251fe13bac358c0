"""Uploaded files a job reads later: kept in a private directory of the server's until the job is done."""

from __future__ import annotations

import contextlib
import os
import uuid
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
