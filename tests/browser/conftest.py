"""Browser tests: the real app, started the way a new user starts it, driven by Debian's Chromium.

Fixtures for every browser test in this folder:

- ``live_server_url`` (session): a fresh SQLite database in a temporary MEDTEK_VAR_DIR, ``medtek migrate``,
  ``medtek demo-data``, then ``medtek runserver`` in a subprocess, and the worker that runs the jobs pages
  start (its queue beside the database; without the schedule); the base URL, e.g. "http://127.0.0.1:54321".
  Under pytest-xdist every worker starts its own server. The server lives for the whole session, so a test
  that writes data should not assume another test has not written before it (prefer its own records).
- ``browser`` (session): Chromium launched through Playwright (no browser download: /usr/bin/chromium).
- ``page``: a fresh browser context and page per test (no cookies shared between tests).
- ``login``: ``login(page, "berg")`` logs a demo user in (password "demo") and waits for the start page.

Every test in this folder gets the ``browser`` marker. Without Chromium the tests are skipped, except when
MEDTEK_BROWSER_TESTS=required (CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "demo"
SERVER_START_TIMEOUT = 120.0
SKIP_REASON = "chromium not found: browser tests skipped"


def find_chromium() -> str | None:
    """The Chromium executable: $MEDTEK_CHROMIUM, Debian's /usr/bin/chromium, or one on PATH."""
    candidates = [os.environ.get("MEDTEK_CHROMIUM", ""), "/usr/bin/chromium"]
    candidates += [shutil.which(name) or "" for name in ("chromium", "chromium-browser")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def browser_tests_required() -> bool:
    return os.environ.get("MEDTEK_BROWSER_TESTS", "").strip().lower() == "required"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    chromium = find_chromium()
    for item in items:
        if HERE not in Path(str(item.path)).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if chromium is None and not browser_tests_required():
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    # The server gets its own SQLite file under var_dir, whatever database the test run itself uses.
    env.pop("DATABASE_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = "medtek.config.settings.local"
    env["MEDTEK_VAR_DIR"] = str(var_dir)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _medtek(*args: str, env: dict[str, str], cwd: Path, log: Path) -> None:
    with log.open("a") as out:
        result = subprocess.run(
            [sys.executable, "-m", "medtek", *args],
            env=env,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=600,
            check=False,
        )
    if result.returncode != 0:
        pytest.fail(f"`medtek {' '.join(args)}` failed ({result.returncode}):\n{_tail(log)}")


def _tail(log: Path, lines: int = 60) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"medtek runserver exited with {process.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/login/", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.2)
    pytest.fail(f"medtek runserver did not answer at {url} in {SERVER_START_TIMEOUT:.0f} s:\n{_tail(log)}")


@pytest.fixture(scope="session")
def live_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app started like a new user would (migrate, demo-data, runserver), on its own SQLite file."""
    if find_chromium() is None and not browser_tests_required():
        pytest.skip(SKIP_REASON)
    var_dir = tmp_path_factory.mktemp("medtek-var")
    log = var_dir / "server.log"
    env = _server_env(var_dir)
    _medtek("migrate", "--no-input", env=env, cwd=var_dir, log=log)
    _medtek("demo-data", env=env, cwd=var_dir, log=log)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("a") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "medtek", "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            cwd=var_dir,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        worker = subprocess.Popen(
            [sys.executable, "-m", "medtek", "run_huey", "--workers", "1", "--no-periodic"],
            env=env,
            cwd=var_dir,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(url, process, log)
        yield url
    finally:
        for child in (process, worker):
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium per test session (per xdist worker)."""
    chromium = find_chromium()
    if chromium is None:
        if browser_tests_required():
            pytest.fail(
                "chromium not found, and MEDTEK_BROWSER_TESTS=required: install Debian's chromium package"
            )
        pytest.skip(SKIP_REASON)
    # Playwright's sync API keeps an asyncio loop running in this thread; Django then refuses ORM calls
    # from the test process (other tests of the same worker, or a browser test reading the database).
    # Nothing here shares a connection with that loop, so allow it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser: Any, live_server_url: str) -> Iterator[Any]:
    """A fresh browser context (no cookies) and page per test, with the server as base URL.

    The browser says it prefers English: the pages must still come in Swedish until the user switches.
    """
    context = browser.new_context(
        base_url=live_server_url, locale="en-US", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def do_login(page: Any, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log `username` in through the login form and wait until the start page has loaded."""
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    if "/login/" in page.url:
        pytest.fail(f"could not log in as {username!r} (still on {page.url})")


@pytest.fixture
def login() -> Callable[..., None]:
    """``login(page, username, password="demo")``."""
    return do_login
