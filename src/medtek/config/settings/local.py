"""Settings for `make demo` and local work: embedded SQLite under var/, debug on."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
VAR_DIR.mkdir(parents=True, exist_ok=True)

# A fixed development key for patient identities: never the key of real data (production requires one).
MEDTEK_PATIENT_KEY = (
    os.environ.get("MEDTEK_PATIENT_KEY") or "medtek-development-patient-key-not-for-real-data"
)
