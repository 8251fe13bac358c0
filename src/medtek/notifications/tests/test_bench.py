"""A tiny run of the notifications bench section, so it keeps working (no timing is asserted here)."""

from __future__ import annotations

import argparse

import pytest

pytestmark = [pytest.mark.bench, pytest.mark.django_db]


def test_notifications_bench_finds_targets_tells_once_and_builds_the_digests() -> None:
    from django.db import connection

    from bench import data, notifications
    from bench.context import BenchContext

    ctx = BenchContext(args=argparse.Namespace(), database_url="", vendor=connection.vendor)
    data.generate(ctx, devices=3000, owners=4, events_per_device=0, say=lambda *_args: None)
    result = notifications.run(ctx)
    assert result["open_cm"] > 0
    assert 0 < result["breached"] < result["found"] <= 2 * result["open_cm"]
    assert result["written"] > 0 and result["rewritten"] == 0
    assert result["digests"] == result["contacts"] == 4
    assert [row[3] for row in notifications.rows(result)][1] == "ok"
