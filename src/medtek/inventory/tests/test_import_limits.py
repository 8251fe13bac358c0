"""Import input is bounded and every refusal says why: size, encoding, NUL, rows, columns, zip bombs,
and a capped error report; errors name the data row as the user counts it, with the file line beside."""

from __future__ import annotations

import io
import struct
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from medtek.inventory.importer import import_devices
from medtek.inventory.models import Device
from medtek.inventory.tests.factories import DeviceModelFactory, ManufacturerFactory

HEADER = "asset_number;model;owner\n"


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def register(world: Any) -> Any:
    DeviceModelFactory(manufacturer=ManufacturerFactory(name="B. Braun"), name="Infusomat Space")
    world.berg.short_code = "BERG"
    world.berg.save()
    return world


@pytest.fixture
def limits(settings: Any) -> Any:
    def set_limits(**values: int) -> None:
        settings.MEDTEK = {**settings.MEDTEK, **values}

    return set_limits


def run(user: Any, data: bytes, filename: str = "devices.csv") -> Any:
    return import_devices(user=user, data=data, filename=filename)


def only_error(report: Any) -> tuple[int, int, str, str]:
    assert len(report.errors) == 1, report.errors
    e = report.errors[0]
    return (e.row, e.line, e.column, e.message)


# Row numbers ---------------------------------------------------------------------------------------


def test_an_error_on_data_row_7777_names_row_7777_and_file_line_7778(register: Any) -> None:
    rows = [f"R-{i};Infusomat Space;BERG\n" for i in range(1, 8001)]
    rows[7776] = "R-7777;Okänd;BERG\n"
    report = run(register.admin, (HEADER + "".join(rows)).encode())
    assert only_error(report) == (7777, 7778, "model", "Unknown device model 'Okänd'.")


def test_a_cell_over_two_lines_and_a_blank_line_keep_row_and_line_apart(register: Any) -> None:
    text = HEADER + 'A-1;"Infusomat\nSpace";BERG\n\nA-3;Okänd;BERG\n'
    report = run(register.admin, text.encode())
    assert only_error(report) == (3, 5, "model", "Unknown device model 'Okänd'.")


def test_an_asset_number_already_registered_after_a_cell_over_two_lines_names_its_line(register: Any) -> None:
    from medtek.inventory.tests.factories import DeviceFactory

    DeviceFactory(asset_number="TAKEN", owner=register.berg)
    text = HEADER + 'A-1;"Infusomat\nSpace";BERG\nA-2;Infusomat Space;BERG\nTAKEN;Infusomat Space;BERG\n'
    report = run(register.admin, text.encode())
    assert only_error(report) == (
        3,
        5,
        "asset_number",
        "A device with the asset number TAKEN is already registered.",
    )


def test_an_xlsx_error_names_the_data_row_and_the_sheet_row(register: Any) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["asset_number", "model", "owner"])
    sheet.append(["X-1", "Infusomat Space", "BERG"])
    sheet.append(["X-2", "Okänd", "BERG"])
    out = io.BytesIO()
    book.save(out)
    report = run(register.admin, out.getvalue(), "devices.xlsx")
    assert only_error(report) == (2, 3, "model", "Unknown device model 'Okänd'.")


def test_the_page_counts_errors_and_the_rows_they_are_on(register: Any) -> None:
    client = Client()
    client.force_login(register.admin)
    text = HEADER.replace("\n", ";is_sterile\n") + "A-1;Okänd;NOPE;nej\nA-2;Infusomat Space;BERG;kanske\n"
    from medtek.jobs.tests.helpers import post_and_follow

    with translation.override("sv"):
        response = post_and_follow(
            client,
            reverse("inventory:device_import"),
            {"file": SimpleUploadedFile("d.csv", text.encode(), content_type="text/csv")},
            HTTP_ACCEPT_LANGUAGE="sv",
        )
    assert "Filen har 3 fel på 2 rader. Inget sparades." in response.content.decode()


# Capped report ---------------------------------------------------------------------------------------


def test_the_error_report_keeps_the_first_1000_errors_and_counts_all(register: Any) -> None:
    text = HEADER + "".join(f"A-{i};Okänd;NOPE\n" for i in range(1, 1501))
    report = run(register.admin, text.encode())
    assert (report.error_count, report.error_rows, len(report.errors)) == (3000, 1500, 1000)
    assert [e.row for e in report.errors[:3]] == [1, 1, 2]
    assert report.errors[-1].row == 500
    body = report.as_dict()
    assert (body["error_count"], len(body["errors"])) == (3000, 1000)


# Encodings and NUL -----------------------------------------------------------------------------------


def test_a_utf16_file_is_named_as_such(register: Any) -> None:
    report = run(register.admin, (HEADER + "A-1;Infusomat Space;BERG\n").encode("utf-16"))
    assert only_error(report) == (
        0,
        0,
        "",
        "The file is UTF-16-encoded; save it as UTF-8 (in Excel: 'CSV UTF-8').",
    )
    assert not Device.objects.exists()


def test_a_utf16_file_without_byte_order_mark_is_named_too(register: Any) -> None:
    report = run(register.admin, (HEADER + "A-1;Infusomat Space;BERG\n").encode("utf-16-le"))
    assert only_error(report)[3].startswith("The file is UTF-16-encoded")


def test_the_utf16_message_is_swedish_for_a_swedish_user(register: Any) -> None:
    with translation.override("sv"):
        report = run(register.admin, HEADER.encode("utf-16"))
    assert report.errors[0].message == "Filen är UTF-16-kodad; spara den som UTF-8 (i Excel: 'CSV UTF-8')."


def test_text_in_neither_utf8_nor_windows_1252_names_the_byte_and_line(register: Any) -> None:
    report = run(register.admin, HEADER.encode() + b"A-1;Infusomat Space;BERG\nA-2;\x81;BERG\n")
    assert only_error(report)[3] == (
        "The file is not text in UTF-8 (nor in Windows-1252): byte 0x81 near line 3; "
        "save it as 'CSV UTF-8' or as XLSX."
    )


def test_a_nul_byte_in_a_cell_is_refused_with_row_and_column(register: Any) -> None:
    report = run(
        register.admin, (HEADER + "A-1;Infusomat Space;BERG\nA-\x002;Infusomat Space;BERG\n").encode()
    )
    assert only_error(report) == (
        2,
        3,
        "asset_number",
        "The cell holds a NUL character (\\0), which text cannot hold; remove it.",
    )
    assert not Device.objects.exists()


# Rows, columns, size -----------------------------------------------------------------------------------


def test_more_rows_than_the_limit_are_refused(register: Any, limits: Any) -> None:
    limits(IMPORT_MAX_ROWS=3)
    report = run(
        register.admin, (HEADER + "".join(f"A-{i};Infusomat Space;BERG\n" for i in range(5))).encode()
    )
    assert only_error(report) == (4, 5, "", "The file has more than 3 rows; split it into smaller files.")
    assert not Device.objects.exists()


def test_a_line_with_more_columns_than_the_limit_is_refused_before_it_is_split(
    register: Any, limits: Any
) -> None:
    limits(IMPORT_MAX_COLUMNS=10)
    report = run(register.admin, (HEADER + "A-1;Infusomat Space;BERG" + ";" * 500 + "\n").encode())
    assert only_error(report) == (
        1,
        2,
        "",
        "The file has more than 10 columns; the import reads at most that many.",
    )


def test_an_xlsx_sheet_with_more_rows_than_the_limit_is_refused(register: Any, limits: Any) -> None:
    limits(IMPORT_MAX_ROWS=2)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["asset_number", "model", "owner"])
    for i in range(5):
        sheet.append([f"X-{i}", "Infusomat Space", "BERG"])
    out = io.BytesIO()
    book.save(out)
    report = run(register.admin, out.getvalue(), "devices.xlsx")
    assert only_error(report)[3] == "The file has more than 2 rows; split it into smaller files."


def test_the_form_refuses_a_file_over_the_upload_limit(register: Any, limits: Any) -> None:
    limits(UPLOAD_MAX_MB=1)
    client = Client()
    client.force_login(register.admin)
    big = SimpleUploadedFile("d.csv", HEADER.encode() + b"x" * (1024 * 1024), content_type="text/csv")
    response = client.post(reverse("inventory:device_import"), {"file": big})
    assert response.context["form"].errors["file"] == [
        "Filen är större än 1 MB; dela upp den i mindre filer."
    ]


def test_the_api_refuses_a_file_over_the_upload_limit_with_413(register: Any, limits: Any) -> None:
    limits(UPLOAD_MAX_MB=1)
    client = Client()
    client.force_login(register.admin)
    big = SimpleUploadedFile("d.csv", HEADER.encode() + b"x" * (1024 * 1024), content_type="text/csv")
    response = client.post("/api/v1/devices/import", {"file": big}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert response.json()["errors"] == {
        "file": ["The file is larger than 1 MB; split it into smaller files."]
    }
    assert not Device.objects.exists()


# Zip bombs -------------------------------------------------------------------------------------------


def zip_bomb(unpacked_mb: int) -> bytes:
    """An "XLSX" whose sheet is a few hundred kilobytes packed and `unpacked_mb` megabytes unpacked."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet,
    ):
        chunk = b" " * (1024 * 1024)
        for _ in range(unpacked_mb):
            sheet.write(chunk)
    return out.getvalue()


def test_a_zip_bomb_is_refused_from_its_directory_with_the_reason(register: Any) -> None:
    report = run(register.admin, zip_bomb(200), "devices.xlsx")
    assert only_error(report)[3] == (
        "The file unpacks to 200 MB, more than the 64 MB an XLSX import may; split it or save it as CSV."
    )


def test_a_zip_that_declares_less_than_it_unpacks_to_is_refused(register: Any) -> None:
    data = bytearray(zip_bomb(3))
    # Make the directory and the local header claim the sheet unpacks to 1,000 bytes.
    central = data.rindex(b"PK\x01\x02")
    data[central + 24 : central + 28] = struct.pack("<I", 1000)
    extra_start = central + 46 + struct.unpack("<H", data[central + 28 : central + 30])[0]
    if data[extra_start : extra_start + 2] == b"\x01\x00":  # zip64 extra field holds the real sizes
        data[extra_start + 4 : extra_start + 12] = struct.pack("<Q", 1000)
    report = run(register.admin, bytes(data), "devices.xlsx")
    assert only_error(report)[3] == (
        "A part of the file unpacks to more than the file declares; it is not a genuine XLSX file."
    )
