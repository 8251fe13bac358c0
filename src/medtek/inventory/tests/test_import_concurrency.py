"""One user's import never fails another user's request, and no upload takes the server's memory.

Both run in a separate process on a file-backed SQLite database (a copy of the test database's schema),
as the server does: SQLite's locks and a process's peak memory are only real there.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import translation

CONCURRENT_IMPORT = r"""
import json, sys, threading, time

import django

django.setup()
from django.db import connection
from django.utils import translation
from django.http import HttpRequest
from django.test import Client

from medtek.core.models import Event
from medtek.inventory import importer
from medtek.inventory.models import Device
from medtek.inventory.tests.factories import DeviceFactory, DeviceModelFactory, ManufacturerFactory
from medtek.maintenance.services import work_order_report
from medtek.organizations.choices import Role
from medtek.organizations.tests.factories import MtDepartmentFactory, MunicipalityFactory, user_with_role

mt = MtDepartmentFactory(name="MT")
berg = MunicipalityFactory(name="Bergs kommun", short_code="BERG", served_by=[mt])
admin = user_with_role(mt, Role.MT_ADMIN, username="admin")
contact = user_with_role(berg, Role.CUSTOMER_CONTACT, username="bergc")
contact.set_password("secret-pw")
contact.save()
DeviceModelFactory(manufacturer=ManufacturerFactory(name="B. Braun"), name="Infusomat Space")
device = DeviceFactory(owner=berg, asset_number="EXISTING")
rows = int(sys.argv[1])
lines = "".join(f"C-{i:06d};Infusomat Space;BERG\n" for i in range(rows))
data = ("asset_number;model;owner\n" + lines).encode()

# The import stops near the end of the file, with thousands of rows checked and staged, until the
# other user is done.
paused, resume = threading.Event(), threading.Event()
check_row = importer._Validator.row


def row(self, number, *args):
    if number == rows - 100:
        paused.set()
        resume.wait(60)
    return check_row(self, number, *args)


importer._Validator.row = row
result = {}


def run_import():
    try:
        result["report"] = importer.import_devices(user=admin, data=data, filename="big.csv")
    finally:
        connection.close()


# While the import is paused, this thread's requests may not wait for a lock at all: any write lock
# the import held would fail them at once with "database is locked" (no timing involved).
from django.db.backends.signals import connection_created


def no_waiting(sender, connection, **kwargs):
    if threading.current_thread() is threading.main_thread():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 0")


thread = threading.Thread(target=run_import)
thread.start()
assert paused.wait(120)
connection.close()
connection_created.connect(no_waiting)
started = time.monotonic()
try:
    logged_in = Client().login(request=HttpRequest(), username="bergc", password="secret-pw")
    order = work_order_report(user=contact, kind="cm", title="Larmar hela tiden", device=device)
    other = {"logged_in": logged_in, "work_order": order.number}
except Exception as exc:
    other = {"error": f"{type(exc).__name__}: {exc}"}
seconds = time.monotonic() - started
resume.set()
thread.join()
report = result["report"]
print(json.dumps({
    "other": other,
    "other_seconds": seconds,
    "import_ok": report.ok,
    "created": report.created,
    "devices": Device.objects.filter(asset_number__startswith="C-").count(),
    "events": Event.objects.filter(kind="device.imported").count(),
}))
"""

BOMB_UPLOAD = r"""
import json, sys


def peak_mb():
    # The process's peak resident memory (VmHWM). A forked process starts with its parent's peak, so
    # the peak is cleared first (Linux: writing 5 to clear_refs).
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024


with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")

import django

django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from medtek.organizations.choices import Role
from medtek.organizations.tests.factories import MtDepartmentFactory, user_with_role

admin = user_with_role(MtDepartmentFactory(name="MT"), Role.MT_ADMIN, username="admin")
client = Client()
client.force_login(admin)
with open(sys.argv[1], "rb") as fh:
    upload = SimpleUploadedFile("inventarier.xlsx", fh.read())
before = peak_mb()
response = client.post("/api/v1/devices/import", {"file": upload}, HTTP_ACCEPT_LANGUAGE="sv")
print(json.dumps({
    "status": response.status_code,
    "body": response.json(),
    "maxrss_mb_before": before,
    "maxrss_mb": peak_mb(),
}))
"""


@pytest.fixture
def file_database(event_log_flushable: None, tmp_path: Path) -> Path:
    """The test database's schema (and triggers) copied into a file, for a process of its own.

    The transactional database (through `event_log_flushable`, which also lets PostgreSQL's flush
    empty the append-only event log) is asked for in the signature, not looked up inside: looked up
    late, the test database may not be set up yet in a worker that runs this test first, and the copy
    is then of an empty in-memory database."""
    if connection.vendor != "sqlite":
        pytest.skip("the write lock held by an import is SQLite's; PostgreSQL streams with COPY")
    path = tmp_path / "medtek.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    return path


def _run(script: str, database: Path, *args: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "medtek.config.settings.test",
    }
    proc = subprocess.run(
        [sys.executable, "-c", script, *args], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_others_log_in_and_report_faults_while_a_large_import_is_checked(file_database: Path) -> None:
    rows = 30_000
    out = _run(CONCURRENT_IMPORT, file_database, str(rows))
    assert out["other"].get("error") is None, out
    assert out["other"]["logged_in"] is True
    assert out["other"]["work_order"].startswith("AU-")
    assert (out["import_ok"], out["created"], out["devices"], out["events"]) == (True, rows, rows, rows)


def test_a_zip_bomb_upload_is_refused_with_the_reason_and_memory_stays_low(
    file_database: Path, tmp_path: Path
) -> None:
    bomb = tmp_path / "inventarier.xlsx"
    with (
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet,
    ):
        chunk = b" " * (1024 * 1024)
        for _ in range(1024):  # 1 GB unpacked, about 1 MB packed
            sheet.write(chunk)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    out = _run(BOMB_UPLOAD, file_database, str(bomb))
    assert out["status"] == 422
    assert out["body"]["errors"][0]["message"] == (
        "Filen packas upp till 1024 MB, mer än de 64 MB en XLSX-import får ta; "
        "dela upp den eller spara den som CSV."
    )
    assert out["maxrss_mb"] < 300, out


def test_a_zip_bomb_is_refused_without_unpacking_it(tmp_path: Path) -> None:
    from medtek.core.uploads import UnsafeZip, check_zip

    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet,
    ):
        sheet.write(b" " * (8 * 1024 * 1024))
    out.seek(0)
    with translation.override("en"), pytest.raises(UnsafeZip, match="unpacks to 8 MB, more than the 1 MB"):
        check_zip(out, max_unpacked=1024 * 1024)
