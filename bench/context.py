"""What every benchmark section gets: the prepared database and the generated world in it."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Any


@dataclass
class BenchContext:
    """The database the bench made and what `bench.data.generate` put in it.

    Django is set up (settings `medtek.config.settings.base` with DATABASE_URL = `database_url`) before
    a section's `run(ctx)` is called. `mt_id` is the MT department that serves every owner; `admin` is an
    MT admin there, `contact` a customer contact of the first owner (user objects).
    """

    args: argparse.Namespace
    database_url: str
    vendor: str  # "postgresql" or "sqlite"
    devices: int = 0
    events: int = 0
    mt_id: int = 0
    owner_ids: list[int] = field(default_factory=list)
    owner_codes: list[str] = field(default_factory=list)
    model_ids: list[int] = field(default_factory=list)
    location_ids: list[int] = field(default_factory=list)
    locations_per_owner: int = 0
    admin: Any = None
    contact: Any = None
    work_dir: str = ""
    timings: dict[str, float] = field(default_factory=dict)
