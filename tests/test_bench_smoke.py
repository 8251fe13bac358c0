"""Tiny runs of the benchmark, so it keeps working: its billing section, and `python -m bench` end to end.

Nothing here asserts a timing: the figures are the benchmark's to report (DESIGN.md section 4).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import assistive, billing, data
from bench.context import BenchContext

REPO = Path(__file__).resolve().parents[1]
SECTIONS = ("register", "pm", "billing", "assistive")

pytestmark = pytest.mark.bench


@pytest.mark.django_db
def test_billing_bench_bills_every_customer_and_the_second_runs_bill_nothing():
    from django.db import connection

    ctx = BenchContext(args=argparse.Namespace(), database_url="", vendor=connection.vendor)
    data.generate(ctx, devices=120, owners=4, events_per_device=2, say=lambda *_args: None)
    result = billing.run(ctx)
    assert result["customers"] == 4
    assert result["work_orders"] == 4 * billing.WORK_ORDERS_PER_CUSTOMER
    assert result["fixed_invoices"] == result["fixed_lines"] == 4
    assert result["fixed_invoices_add_up"]
    assert result["variable_invoices"] == 4
    assert result["variable_lines"] > result["work_orders"]  # time, travel and material lines
    assert result["refixed_new"] == result["revariable_new"] == 0
    assert result["refixed_unchanged"] == result["revariable_unchanged"] == 4
    rows = billing.rows(result)
    assert len(rows) == 5
    assert all(len(row) == 4 and all(isinstance(cell, str) for cell in row) for row in rows)
    assert [row[3] for row in rows[3:]] == ["ok", "ok"]  # the second runs made nothing new


@pytest.mark.django_db
def test_assistive_bench_bills_every_customer_once():
    from django.db import connection

    ctx = BenchContext(args=argparse.Namespace(requests=3), database_url="", vendor=connection.vendor)
    data.generate(ctx, devices=120, owners=4, events_per_device=1, say=lambda *_args: None)
    result = assistive.run(ctx)
    assert result["items"] > 0 and result["loans"] > 0
    assert result["invoices"] == 4
    assert result["rebilled_new"] == 0
    rows = assistive.rows(result)
    assert len(rows) == 5 and rows[4][3] == "ok"


def test_python_m_bench_runs_every_section_on_a_tiny_sqlite_database(tmp_path):
    out = tmp_path / "result.json"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    # The bench runs in its own process, as `make bench` does (with the venv's python running this test).
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--database-url",
            f"sqlite:///{tmp_path / 'bench.sqlite3'}",
            "--devices",
            "300",
            "--events-per-device",
            "2",
            "--owners",
            "5",
            "--import-rows",
            "100",
            "--xlsx-rows",
            "50",
            "--requests",
            "5",
            "--duration",
            "0.5",
            "--workers",
            "1",
            "--output",
            str(out),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "figure" in proc.stdout and "verdict" in proc.stdout
    assert "billing fixed + variable" in proc.stdout
    assert "FAILED" not in proc.stdout
    result = json.loads(out.read_text())
    for section in SECTIONS:
        assert section in result, f"section {section} missing"
        assert "error" not in result[section], result[section]
    assert result["billing"]["fixed_invoices"] == result["billing"]["variable_invoices"] == 5
    assert not (tmp_path / "bench.sqlite3").exists()  # the bench drops its database afterwards
