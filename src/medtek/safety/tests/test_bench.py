"""A tiny run of the safety bench section, so it keeps working (no timing is asserted here)."""

from __future__ import annotations

import argparse

import pytest

pytestmark = [pytest.mark.bench, pytest.mark.django_db]


def test_safety_bench_finds_devices_and_creates_their_work_orders() -> None:
    from django.db import connection

    from bench import data, safety
    from bench.context import BenchContext

    ctx = BenchContext(args=argparse.Namespace(), database_url="", vendor=connection.vendor)
    data.generate(ctx, devices=2000, owners=4, events_per_device=0, say=lambda *_args: None)
    result = safety.run(ctx)
    assert result["found"] > 0 and result["refound"] == 0
    assert result["work_orders"] > 0
