"""Billing parts later apps add (assistive-device rent): they register a run here in AppConfig.ready,
so `medtek bill PART PERIOD` runs it without billing importing them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# part → run(user=..., period=..., agreement=...) returning a services.RunResult
RUNS: dict[str, Callable[..., Any]] = {}


def register_run(part: str, run: Callable[..., Any]) -> None:
    RUNS[part] = run
