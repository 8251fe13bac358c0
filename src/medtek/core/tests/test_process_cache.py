"""The process's short-lived cache of database reads (API tokens, search words)."""

from __future__ import annotations

import time

from medtek.core.process_cache import ProcessCache


def test_a_value_is_kept_for_its_seconds_then_read_again() -> None:
    cache: ProcessCache[str, int] = ProcessCache(seconds=0.1, max_entries=10)
    cache.put("a", 1)
    assert cache.get("a") == 1
    time.sleep(0.15)
    assert cache.get("a") is None


def test_a_full_cache_starts_again_empty() -> None:
    cache: ProcessCache[int, int] = ProcessCache(seconds=60, max_entries=2)
    cache.put(1, 1)
    cache.put(2, 2)
    cache.put(3, 3)
    assert (cache.get(1), cache.get(2), cache.get(3)) == (None, None, 3)


def test_forget_and_clear_drop_what_was_kept() -> None:
    cache: ProcessCache[str, int] = ProcessCache(seconds=60, max_entries=10)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.forget("a")
    assert (cache.get("a"), cache.get("b")) == (None, 2)
    cache.clear()
    assert cache.get("b") is None
