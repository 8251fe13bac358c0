"""Hooks later apps plug into without decommissioning importing them (they register in AppConfig.ready).

`STEP_GUARDS`: each is called with the locked item, the step and its evidence before a checklist step is
written; a guard refuses by raising ValidationError naming the missing evidence (documents requires the
wipe certificate, a file attached to the item, where the wiping method produces one).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from medtek.decommissioning.models import SurplusItem

STEP_GUARDS: list[Callable[[SurplusItem, str, Mapping[str, Any]], None]] = []


def run_step_guards(item: SurplusItem, step: str, evidence: Mapping[str, Any]) -> None:
    for guard in list(STEP_GUARDS):
        guard(item, step, evidence)
