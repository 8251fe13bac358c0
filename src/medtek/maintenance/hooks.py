"""Hooks later apps plug into without maintenance importing them.

`ENTRY_GUARDS`: each is called with the work order and the entry's date before a time, travel or
material entry is written; a guard refuses by raising ValidationError (billing refuses entries in a
period already invoiced).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from medtek.maintenance.models import WorkOrder

ENTRY_GUARDS: list[Callable[[WorkOrder, dt.date], None]] = []


def run_entry_guards(work_order: WorkOrder, date: dt.date) -> None:
    for guard in list(ENTRY_GUARDS):
        guard(work_order, date)
