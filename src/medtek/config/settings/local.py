"""Settings for `make demo` and local work: embedded SQLite under var/, debug on."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
VAR_DIR.mkdir(parents=True, exist_ok=True)
