"""Reads on a streaming replica: the API mix against the primary alone and with reads on the replica, what
the routing costs per request, and whether any client ever reads older data than it wrote.

`python -m bench --only replica --database-url postgres://postgres@127.0.0.1:5432/medtek_replica_bench`
(PostgreSQL only). The replica is the bench database's namesake on BENCH_REPLICA_URL's server (default: the
same URL on port 5433, e.g. the cluster `.ci/replica-up` makes); it receives the bench database by
streaming replication, so the bench waits until it has replayed the generated data.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from http.client import HTTPConnection
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench import http
from bench.context import BenchContext

WRITE_READ_CYCLES = 200


def replica_url(ctx: BenchContext) -> str:
    if os.environ.get("BENCH_REPLICA_URL"):
        return os.environ["BENCH_REPLICA_URL"]
    parts = urlsplit(ctx.database_url)
    host = parts.hostname or "127.0.0.1"
    netloc = f"{parts.username}@{host}:5433" if parts.username else f"{host}:5433"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _wait_replayed(url: str, timeout: float = 600.0) -> float:
    """Seconds until the replica has replayed the primary's current WAL position."""
    import psycopg

    from medtek.core.db.routing import parse_lsn, primary_wal_lsn

    target = primary_wal_lsn()
    started = time.perf_counter()
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        while True:
            row = conn.execute("SELECT pg_last_wal_replay_lsn()::text").fetchone()
            if row and row[0] and parse_lsn(row[0]) >= target:
                return time.perf_counter() - started
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"the replica at {url} did not replay the bench data in {timeout:.0f} s")
            time.sleep(0.2)


def roundtrip_ms(url: str, sql: str, n: int = 500) -> float:
    """p50 of one statement over a persistent connection: what one more query costs a request."""
    import psycopg

    times = []
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        for _ in range(n):
            started = time.perf_counter()
            conn.execute(sql).fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return round(http.percentile(times, 0.5), 3)


def _call(port: int, method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
    conn = HTTPConnection(http.HOST, port, timeout=60)
    try:
        payload = None if body is None else json.dumps(body)
        send = {**headers, **({"Content-Type": "application/json"} if payload else {})}
        conn.request(method, path, body=payload, headers=send)
        response = conn.getresponse()
        return response.status, response.getheader("Medtek-Wal-Position"), response.read()
    finally:
        conn.close()


def write_then_read(port: int, headers: dict[str, str], device_ids: list[int], cycles: int) -> dict[str, Any]:
    """A script changes a device's serial number and reads the device back at once, `cycles` times, with
    the write's position echoed in a header; any read showing an older serial number is stale."""
    stale = failed = 0
    times: list[float] = []
    for i in range(cycles):
        device_id = device_ids[i % len(device_ids)]
        serial = f"RYW-{time.time_ns()}"
        started = time.perf_counter()
        status, position, body = _call(
            port, "PATCH", f"/api/v1/devices/{device_id}", headers, {"serial_number": serial}
        )
        if status != 200 or not position:
            failed += 1
            continue
        status, _p, body = _call(
            port, "GET", f"/api/v1/devices/{device_id}", {**headers, "Medtek-Wal-Position": position}
        )
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            failed += 1
        elif json.loads(body)["serial_number"] != serial:
            stale += 1
    return {
        "cycles": cycles,
        "stale_reads": stale,
        "failed": failed,
        "p50_ms": round(http.percentile(times, 0.5), 2) if times else None,
    }


def _metric(port: int, name: str) -> dict[str, float]:
    """One metric's samples from /metrics, by their label text."""
    _s, _p, body = _call(port, "GET", "/metrics", {})
    out: dict[str, float] = {}
    for line in body.decode().splitlines():
        if line.startswith(name + "{"):
            labels, value = line[len(name) :].rsplit(" ", 1)
            out[labels] = float(value)
    return out


def interleaved_latency(
    ports: dict[str, int], paths: list[str], headers: dict[str, str], *, requests: int
) -> dict[str, dict[str, Any]]:
    """Each request sent to every server in turn, so the shared machine's load falls on all alike."""
    times: dict[str, list[float]] = {name: [] for name in ports}
    for i in range(requests + 5):
        path = paths[i % len(paths)]
        for name, port in ports.items():
            started = time.perf_counter()
            status, _body = http.request(port, path, headers)
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200:
                raise RuntimeError(f"GET {path} on the {name} setup answered {status}")
            if i >= 5:  # warm-up
                times[name].append(elapsed)
    out: dict[str, dict[str, Any]] = {
        name: {
            "p50_ms": round(http.percentile(t, 0.5), 2),
            "p95_ms": round(http.percentile(t, 0.95), 2),
            "requests": len(t),
        }
        for name, t in times.items()
    }
    # The same request's time with reads on the replica minus without: its median is the routing cost
    # least disturbed by what else the machine does in between.
    if {"primary", "replica"} <= times.keys():
        pairs = [r - p for p, r in zip(times["primary"], times["replica"], strict=True)]
        out["replica"]["paired_difference_p50_ms"] = round(http.percentile(pairs, 0.5), 3)
    return out


def run(ctx: BenchContext) -> dict[str, Any]:
    if ctx.vendor != "postgresql":
        raise RuntimeError("the replica section needs PostgreSQL and a streaming replica of it")
    from bench.register import _paths
    from medtek.inventory.models import Device
    from medtek.organizations.services import token_create

    url = replica_url(ctx)
    work = Path(ctx.work_dir)
    _t, key = token_create(username=ctx.admin.username, name="bench-replica")
    headers = {"Authorization": f"Bearer {key}"}
    mix = [p for group in _paths(ctx).values() for p in group]
    device_ids = list(Device.objects.order_by("pk").values_list("pk", flat=True)[:50])
    print(f"replica: waiting for {url} to replay the bench data ...")
    result: dict[str, Any] = {"replica_url": url, "replay_wait_s": round(_wait_replayed(url), 1)}
    from medtek.core.db.routing import STATUS_SQL

    result["status_query_p50_ms"] = roundtrip_ms(url, STATUS_SQL)
    result["select_1_p50_ms"] = roundtrip_ms(ctx.database_url, "SELECT 1")
    base_env = {
        "DJANGO_SETTINGS_MODULE": "medtek.config.settings.production",
        "SECRET_KEY": os.environ["SECRET_KEY"],
        "MEDTEK_PATIENT_KEY": os.environ.get("MEDTEK_PATIENT_KEY") or os.environ["SECRET_KEY"] * 2,
        "DATABASE_URL": ctx.database_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MEDTEK_VAR_DIR": str(work),
        "DJANGO_DEBUG": "0",
        "LOG_LEVEL": "ERROR",
        # Plain HTTP on loopback, as behind the TLS proxy production has: no redirect to https.
        "MEDTEK_SSL_REDIRECT": "0",
    }
    subprocess.run(
        [sys.executable, "-m", "medtek", "collectstatic", "--noinput", "-v", "0"],
        env={**os.environ, **base_env},
        check=True,
    )
    setups = {"primary": {"DATABASE_REPLICA_URLS": ""}, "replica": {"DATABASE_REPLICA_URLS": url}}
    args = ctx.args
    load_args = {"threads": args.threads, "seconds": args.duration, "max_requests": args.max_requests}
    with ExitStack() as stack:
        ports: dict[str, int] = {}
        for name, extra in setups.items():
            metrics_dir = work / f"metrics-{name}"  # prometheus-client's multiprocess mode: all workers
            metrics_dir.mkdir(exist_ok=True)
            env = {**base_env, **extra, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
            server = http.gunicorn(env, workers=args.workers, log=work / "gunicorn.log")
            ports[name] = stack.enter_context(server)[0]
        print("replica: sequential requests of the API mix, to each setup in turn ...")
        latency = interleaved_latency(ports, mix, headers, requests=args.requests)
        for name, port in ports.items():
            print(f"replica: {args.threads} clients, reads on the {name} ...")
            result[name] = {
                "latency": latency[name],
                "throughput": http.throughput(port, mix, headers, **load_args),
            }
        print(f"replica: {WRITE_READ_CYCLES} writes, each read back at once, under {args.threads} readers")
        port = ports["replica"]
        load = threading.Thread(target=http.throughput, args=(port, mix, headers), kwargs=load_args)
        load.start()
        result["read_your_writes"] = write_then_read(port, headers, device_ids, WRITE_READ_CYCLES)
        load.join()
        for name, port in ports.items():
            reads = _metric(port, "medtek_db_reads_total")
            result[name]["reads_by_alias"] = {k.split('"')[1]: v for k, v in reads.items()}
        result["skipped"] = _metric(ports["replica"], "medtek_db_replica_skipped_total")
    result["routing_cost_p50_ms"] = result["replica"]["latency"]["paired_difference_p50_ms"]
    return result


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    p, r = result["primary"], result["replica"]
    ryw = result["read_your_writes"]
    return [
        (
            "API mix, primary alone",
            f"p50 {p['latency']['p50_ms']} ms, {p['throughput']['requests_per_s']} req/s",
            "-",
            "-",
        ),
        (
            "API mix, reads on the replica",
            f"p50 {r['latency']['p50_ms']} ms, {r['throughput']['requests_per_s']} req/s",
            "-",
            "-",
        ),
        (
            "routing cost per request (p50 of paired differences)",
            f"{result['routing_cost_p50_ms']} ms",
            "<= 0.5 ms",
            "met" if result["routing_cost_p50_ms"] <= 0.5 else "MISSED",
        ),
        (
            "replica status query (routing's one query per request)",
            f"p50 {result['status_query_p50_ms']} ms (primary's SELECT 1: {result['select_1_p50_ms']} ms)",
            "-",
            "-",
        ),
        (
            f"write, then read back ({ryw['cycles']}x)",
            f"{ryw['stale_reads']} stale, {ryw['failed']} failed",
            "0 stale",
            "met" if ryw["stale_reads"] == 0 and ryw["failed"] == 0 else "MISSED",
        ),
    ]
