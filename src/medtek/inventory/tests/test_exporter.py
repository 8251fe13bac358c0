"""Device exports carry data, never formulas, and an exported CSV re-imports unchanged."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import load_workbook

from medtek.inventory.exporter import export_devices
from medtek.inventory.filters import DeviceFilter
from medtek.inventory.importer import import_devices
from medtek.inventory.models import Device
from medtek.inventory.tests.factories import DeviceFactory

LINK = '=HYPERLINK("http://evil.example","Klicka")'


def _export(user: Any, fmt: str) -> bytes:
    response: Any = export_devices(user=user, filters=DeviceFilter.from_params({}), fmt=fmt)
    return b"".join(response.streaming_content) if fmt == "csv" else response.content


def test_csv_export_writes_an_imported_formula_as_text(world: Any) -> None:
    DeviceFactory(owner=world.berg, asset_number="E-1", serial_number=LINK)
    rows = list(csv.reader(io.StringIO(_export(world.admin, "csv").decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0] == "E-1"
    assert rows[1][4] == "'" + LINK


def test_xlsx_export_writes_an_imported_formula_as_a_text_cell(world: Any) -> None:
    DeviceFactory(owner=world.berg, asset_number="-E-2", serial_number=LINK)
    sheet = load_workbook(io.BytesIO(_export(world.admin, "xlsx"))).active
    assert sheet is not None
    assert [(c.value, c.data_type) for c in sheet[2]][:1] == [("-E-2", "s")]
    assert (sheet["E2"].value, sheet["E2"].data_type) == (LINK, "s")
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def test_an_exported_csv_re_imports_the_text_unchanged(world: Any) -> None:
    device = DeviceFactory(owner=world.berg, asset_number="E-3", serial_number=LINK)
    data = _export(world.admin, "csv").replace(b"E-3", b"E-4")
    Device.objects.filter(pk=device.pk).delete()
    report = import_devices(user=world.admin, data=data, filename="devices.csv")
    assert report.ok, report.errors
    assert Device.objects.get(asset_number="E-4").serial_number == LINK
