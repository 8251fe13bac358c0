"""A tiny run of the replica bench (`python -m bench --only replica`), so it keeps working.

No timing is asserted; only that no read was stale and that the reads went where they should.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections

from medtek.core.db import routing
from tests.replica.conftest import SKIP_REASON, replica_tests_required

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.bench


def _url(settings_dict: dict, name: str) -> str:
    return f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{name}"


def test_the_replica_bench_finds_no_stale_read(tmp_path: Path) -> None:
    if not routing.replica_aliases():
        if replica_tests_required():
            pytest.fail("MEDTEK_REPLICA_TESTS=required, but DATABASE_REPLICA_URLS names no replica")
        pytest.skip(SKIP_REASON)
    name = "medtek_replica_bench_smoke"
    primary = _url(connections["default"].settings_dict, name)
    replica = _url(connections[routing.replica_aliases()[0]].settings_dict, name)
    out = tmp_path / "result.json"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["BENCH_REPLICA_URL"] = replica
    env.pop("DATABASE_REPLICA_URLS", None)
    args = ["--devices", "300", "--events-per-device", "2", "--owners", "5", "--requests", "10"]
    args += ["--duration", "0.5", "--workers", "1", "--database-url", primary, "--output", str(out)]
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--only", "replica", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(out.read_text())["replica"]
    assert result["read_your_writes"]["stale_reads"] == 0
    assert result["read_your_writes"]["failed"] == 0
    assert result["replica"]["reads_by_alias"]["replica1"] > 0  # the replica setup did read the replica
    assert "replica1" not in result["primary"]["reads_by_alias"]
