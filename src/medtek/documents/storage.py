"""Where attachments' bytes live: Django's storage "attachments" (STORAGES), local files under var/ by
default and an S3-compatible object store when the settings say so (django-storages)."""

from __future__ import annotations

import uuid

from django.core.files.storage import Storage, storages
from django.utils import timezone


def attachment_storage() -> Storage:
    return storages["attachments"]


def new_key() -> str:
    """A storage key nobody can guess or derive from the file: year/month/random."""
    today = timezone.localdate()
    return f"attachments/{today:%Y/%m}/{uuid.uuid4().hex}"
