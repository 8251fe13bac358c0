"""Settings for the test suite: SQLite in memory unless DATABASE_URL names another database."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, HUEY

if "DATABASE_URL" not in os.environ:
    DATABASES["default"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "attachments": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}

# A fixed development key for patient identities: never the key of real data (production requires one).
MEDTEK_PATIENT_KEY = (
    os.environ.get("MEDTEK_PATIENT_KEY") or "medtek-development-patient-key-not-for-real-data"
)

# Tasks run at once, in the caller (a job started by a page is done when the page answers).
HUEY = {**HUEY, "immediate": True}
