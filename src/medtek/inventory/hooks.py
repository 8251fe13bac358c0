"""Hooks later apps plug into without the register importing them (they register in AppConfig.ready).

`STATUS_GUARDS`: each is called with the locked device and the status asked for before a status change
is written; a guard refuses by raising ValidationError (maintenance keeps a device a failed check
blocked out of use until a later check passes).

`DEVICES_CHANGED`: each is called, in the same transaction, after devices are registered (one by one,
in bulk or by import) or get another model, with the queryset of those devices and, from an import,
the last PM date per asset number (maintenance sets their PM state at once, set-based).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from medtek.inventory.models import Device

STATUS_GUARDS: list[Callable[[Device, str], None]] = []
# The same guards for a bulk change: called with the ids of the locked devices and the status asked
# for; each answers for the whole set in a few queries and refuses by raising ValidationError.
BULK_STATUS_GUARDS: list[Callable[[list[int], str], None]] = []
DEVICES_CHANGED: list[Callable[[Any, Mapping[str, dt.date]], None]] = []


def run_status_guards(device: Device, status: str) -> None:
    for guard in list(STATUS_GUARDS):
        guard(device, status)


# Who sets the FU interval of many devices (maintenance): called with the acting user, the ids of the
# locked devices and the interval in months (None: back to the model's); returns how many it changed.
BULK_PM_INTERVAL: list[Callable[[Any, list[int], int | None], int]] = []


def run_bulk_status_guards(device_ids: list[int], status: str) -> None:
    for guard in list(BULK_STATUS_GUARDS):
        guard(device_ids, status)


def run_devices_changed(devices: Any, last_pm: Mapping[str, dt.date] | None = None) -> None:
    for hook in list(DEVICES_CHANGED):
        hook(devices, last_pm or {})
