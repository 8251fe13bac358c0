"""Hooks later apps plug into without maintenance importing them.

`ENTRY_GUARDS`: each is called with the work order and the entry's date before a time, travel or
material entry is written; a guard refuses by raising ValidationError (billing refuses entries in a
period already invoiced).

`WORK_JUDGED`: each is called, in the same transaction, with the work order and the acting user when
work on a device is done and judged (approved or not): the assistive-device centre puts an item whose
reconditioning passed back in stock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from medtek.maintenance.models import WorkOrder

ENTRY_GUARDS: list[Callable[[WorkOrder, dt.date], None]] = []
WORK_JUDGED: list[Callable[[WorkOrder, Any], None]] = []


def run_entry_guards(work_order: WorkOrder, date: dt.date) -> None:
    for guard in list(ENTRY_GUARDS):
        guard(work_order, date)


def run_work_judged(work_order: WorkOrder, user: Any) -> None:
    for hook in list(WORK_JUDGED):
        hook(work_order, user)
