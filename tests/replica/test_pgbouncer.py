"""The app behind PgBouncer in transaction mode: gunicorn's workers share two server connections, writes
and reads interleave from several clients, a streamed export runs, and every client reads its own writes.

Uses Debian's pgbouncer (`apt-get install pgbouncer`); skipped without it unless
MEDTEK_REPLICA_TESTS=required.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from medtek.inventory.tests.factories import DeviceModelFactory
from tests.replica.conftest import replica_tests_required, token_for

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"nothing answered on port {port}:\n{log.read_text(errors='replace')[-3000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def pgbouncer(transactional_db: Any, event_log_flushable: Any) -> Iterator[int]:
    """PgBouncer on a free loopback port, transaction pooling, two server connections to the primary."""
    if connections["default"].vendor != "postgresql":
        pytest.skip("PgBouncer pools PostgreSQL connections")
    binary = shutil.which("pgbouncer") or (
        "/usr/sbin/pgbouncer" if os.path.exists("/usr/sbin/pgbouncer") else None
    )
    if binary is None:
        if replica_tests_required():
            pytest.fail("pgbouncer not found, and MEDTEK_REPLICA_TESTS=required: apt-get install pgbouncer")
        pytest.skip("pgbouncer not found: the pooling test is skipped")
    primary = connections["default"].settings_dict
    work = Path(tempfile.mkdtemp(prefix="medtek-pgbouncer-"))
    port = _free_port()
    (work / "users.txt").write_text(f'"{primary["USER"]}" ""\n')
    (work / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={primary['HOST'] or '127.0.0.1'} port={primary['PORT'] or 5432}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {work / 'users.txt'}\n"
        "pool_mode = transaction\ndefault_pool_size = 2\nmax_client_conn = 50\n"
        f"logfile = {work / 'pgbouncer.log'}\n"
    )
    log = work / "pgbouncer.log"
    log.touch()
    command = [binary, str(work / "pgbouncer.ini")]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        shutil.chown(work, "postgres")
        shutil.chown(log, "postgres")
        work.chmod(0o755)
        command = [binary, "-u", "postgres", str(work / "pgbouncer.ini")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, process, log)
        yield port
    finally:
        _stop(process)
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def app_behind_pgbouncer(pgbouncer: int, tmp_path: Path) -> Iterator[str]:
    """gunicorn (production settings, 3 workers) whose primary is PgBouncer; replicas as configured."""
    primary = connections["default"].settings_dict
    name = primary["NAME"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "medtek.config.settings.production",
        "SECRET_KEY": "medtek-pgbouncer-test-" + "x" * 40,
        "MEDTEK_PATIENT_KEY": "medtek-pgbouncer-patient-" + "x" * 40,
        "DATABASE_URL": f"postgres://{primary['USER']}@127.0.0.1:{pgbouncer}/{name}",
        "MEDTEK_PGBOUNCER": "1",
        "MEDTEK_VAR_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "ERROR",
    }
    replicas = [connections[a].settings_dict for a in connections if a.startswith("replica")]
    env["DATABASE_REPLICA_URLS"] = ",".join(
        f"postgres://{r['USER']}@{r['HOST']}:{r['PORT']}/{name}" for r in replicas
    )
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "medtek.config.wsgi",
                "--workers",
                "3",
                "--bind",
                f"127.0.0.1:{port}",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_port(port, process, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(process)


class ApiClient:
    """A script with a token and a cookie jar, over real HTTP."""

    def __init__(self, base: str, token: str) -> None:
        self.base = base
        self.token = token
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, bytes]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()


def test_writes_reads_and_exports_through_pgbouncer_in_transaction_mode(
    app_behind_pgbouncer: str, world: Any
) -> None:
    model = DeviceModelFactory()
    token = token_for(world.admin.username)
    failures: list[str] = []

    def script(n: int) -> None:
        client = ApiClient(app_behind_pgbouncer, token)
        for i in range(8):
            asset = f"PGB-{n}-{i}"
            status, body = client.call(
                "POST",
                "/api/v1/devices",
                {"asset_number": asset, "model_id": model.pk, "owner_id": world.berg.pk},
            )
            if status != 201:
                failures.append(f"create {asset}: {status} {body[:200]!r}")
                continue
            device_id = json.loads(body)["id"]
            status, body = client.call("GET", f"/api/v1/devices/{device_id}")
            if status != 200 or json.loads(body)["asset_number"] != asset:
                failures.append(f"read back {asset}: {status} {body[:200]!r}")
            status, body = client.call("GET", f"/api/v1/devices?limit=200&q=PGB-{n}-")
            seen = {d["asset_number"] for d in json.loads(body)["items"]} if status == 200 else set()
            if asset not in seen:
                failures.append(f"list after {asset}: {status}, saw {sorted(seen)}")
        status, body = client.call("GET", "/api/v1/devices/export?format=csv")
        if status != 200 or body.count(b"PGB-") < 8:
            failures.append(f"export: {status}, {body.count(b'PGB-')} rows")

    threads = [threading.Thread(target=script, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert failures == []
