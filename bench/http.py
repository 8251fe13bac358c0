"""A real gunicorn server on the loopback, and a small bounded HTTP client that times it."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(
    env: dict[str, str], *, workers: int = 2, log: Path
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """gunicorn serving medtek.config.wsgi (production settings, DEBUG off) on a free loopback port."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "medtek.config.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    with open(log, "ab") as out:
        proc = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {proc.returncode}; see {log}")
            try:
                status, _ = request(port, "/login/")
                if status < 500:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer within 60 s; see {log}")
            time.sleep(0.2)
        yield port, proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def request(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def latency(
    port: int, paths: list[str], headers: dict[str, str], *, requests: int, warmup: int = 5
) -> dict[str, Any]:
    """Sequential requests cycling over `paths`: p50/p95 in milliseconds; every answer must be 200."""
    for i in range(warmup):
        status, body = request(port, paths[i % len(paths)], headers)
        if status != 200:
            raise RuntimeError(f"GET {paths[i % len(paths)]} answered {status}: {body[:300]!r}")
    times: list[float] = []
    for i in range(requests):
        path = paths[i % len(paths)]
        t = time.perf_counter()
        status, body = request(port, path, headers)
        times.append((time.perf_counter() - t) * 1000)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}")
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "max_ms": round(max(times), 2),
        "requests": len(times),
    }


def throughput(
    port: int, paths: list[str], headers: dict[str, str], *, threads: int, seconds: float, max_requests: int
) -> dict[str, Any]:
    """Requests per second with `threads` clients for at most `seconds` and `max_requests` requests."""
    lock = threading.Lock()
    done = {"ok": 0, "failed": 0}
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        i = offset
        while time.monotonic() < deadline:
            with lock:
                if done["ok"] + done["failed"] >= max_requests:
                    return
            status, _ = request(port, paths[i % len(paths)], headers)
            i += 1
            with lock:
                done["ok" if status == 200 else "failed"] += 1

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    return {
        "requests_per_s": round(done["ok"] / elapsed, 1),
        "requests": done["ok"],
        "failed": done["failed"],
        "seconds": round(elapsed, 2),
        "threads": threads,
    }


def worker_rss_mib(master_pid: int) -> list[float]:
    """Resident memory of each gunicorn worker (the master's children), in MiB."""
    sizes = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master_pid) and "VmRSS" in fields:
            sizes.append(round(int(fields["VmRSS"].split()[0]) / 1024, 1))
    return sorted(sizes)
