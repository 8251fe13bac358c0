"""Starting a job from a page in a test: the worker runs it at once (Huey's immediate mode, test settings)
when the job's record is committed, and the test follows the page to the job's page."""

from __future__ import annotations

from typing import Any

from django.test import Client, TestCase


def post_and_follow(client: Client, path: str, data: dict[str, Any], **extra: Any) -> Any:
    """POST a page that starts a job; the answer of the job's page once the job has run (or the page's
    own answer when it refused the form)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(path, data, **extra)
    if response.status_code == 302:
        return client.get(response["Location"], **extra)
    return response
