"""A tiny run of the PM planner benchmark (bench/pm.py), so it keeps working; no timing asserted."""

from __future__ import annotations

import argparse

import pytest

from bench import pm
from bench.context import BenchContext
from medtek.inventory.tests.factories import DeviceFactory, DeviceModelFactory

pytestmark = pytest.mark.django_db


def test_pm_bench_plans_and_the_second_run_plans_nothing(world, django_user_model):
    model = DeviceModelFactory(pm_interval_months=6)
    DeviceFactory.create_batch(40, owner=world.berg, model=model)
    ctx = BenchContext(args=argparse.Namespace(), database_url="", vendor="test", devices=40)
    ctx.admin = world.admin
    result = pm.run(ctx)
    assert result["pm_states"] == 40
    assert result["work_orders"] > 0
    assert result["replan_work_orders"] == 0
    assert [row[3] for row in pm.rows(result)][1] == "ok"
