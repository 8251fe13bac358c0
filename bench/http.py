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
    env: dict[str, str], *, workers: int = 2, log: Path, worker_class: str = "gthread", threads: int = 4
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """gunicorn serving medtek.config.wsgi (production settings, DEBUG off) on a free loopback port, with
    production's gunicorn settings (medtek.config.gunicorn: threaded workers keeping connections alive);
    `worker_class="sync"` serves as gunicorn's default workers do (a connection closed after each request)."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "python:medtek.config.gunicorn",
        "medtek.config.wsgi",
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
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
    """One GET on a connection of its own."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Client:
    """GETs over one HTTP/1.1 connection kept alive between requests, as a script's HTTP library or a
    proxy keeps it; opened again when the server closes it (sync workers close after every response)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None
        self.connections = 0

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
                self.connections += 1
            try:
                self.conn.request("GET", path, headers=headers or {})
                response = self.conn.getresponse()
                body = response.read()
            except (http.client.HTTPException, ConnectionError):
                self.close()  # the server closed an idle connection: once more on a new one
                if attempt == 2:
                    raise
                continue
            if response.will_close:
                self.close()
            return response.status, body
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


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
    """Sequential requests cycling over `paths` on one kept-alive connection: p50/p95 in milliseconds;
    every answer must be 200."""
    client = Client(port)
    for i in range(warmup):
        status, body = client.get(paths[i % len(paths)], headers)
        if status != 200:
            raise RuntimeError(f"GET {paths[i % len(paths)]} answered {status}: {body[:300]!r}")
    times: list[float] = []
    for i in range(requests):
        path = paths[i % len(paths)]
        t = time.perf_counter()
        status, body = client.get(path, headers)
        times.append((time.perf_counter() - t) * 1000)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}")
    client.close()
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "max_ms": round(max(times), 2),
        "requests": len(times),
        "connections": client.connections,
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
        conn = Client(port)
        while time.monotonic() < deadline:
            with lock:
                if done["ok"] + done["failed"] >= max_requests:
                    break
            status, _ = conn.get(paths[i % len(paths)], headers)
            i += 1
            with lock:
                done["ok" if status == 200 else "failed"] += 1
        conn.close()

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
