"""A department migrates its register: the template, the pages' Swedish labels as column names, owners by
kommunkod, errors in the file's own words; and the device pages guide the same rules (status, placement,
acquisition date) on the page, the API and the import alike."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from medtek.inventory.importer import import_devices
from medtek.inventory.models import Device
from medtek.inventory.services import device_create
from medtek.inventory.tests.factories import DeviceModelFactory, ManufacturerFactory
from medtek.organizations.tests.factories import LocationFactory

SWEDISH_HEADERS = [
    "Inventarienummer",
    "Modell",
    "Ägare",
    "Placering",
    "Serienummer",
    "UDI",
    "Status",
    "Anskaffad",
    "Anskaffningsvärde (kr)",
    "Garanti till",
    "Lagrar patientdata",
    "Innehåller strålkälla",
    "Steril",
    "Utgångsdatum",
    "Senaste FU",
]


@pytest.fixture
def register(world: Any) -> Any:
    world.pump = DeviceModelFactory(manufacturer=ManufacturerFactory(name="B. Braun"), name="Infusomat Space")
    world.ward = LocationFactory(organisation=world.berg, code="AVD12", name="Avdelning 12")
    world.ost_ward = LocationFactory(organisation=world.ostersund, code="OST1", name="Östersund avd 1")
    return world


def swedish(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(user)
    return client


def upload(client: Client, text: str, name: str = "register.csv") -> str:
    from medtek.jobs.tests.helpers import post_and_follow

    response = post_and_follow(
        client,
        reverse("inventory:device_import"),
        {"file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")},
    )
    return response.content.decode()


def in_a_week() -> str:
    return (timezone.localdate() + dt.timedelta(days=7)).isoformat()


# The template ----------------------------------------------------------------------------------------


def test_the_template_opens_as_xlsx_with_swedish_headers_an_example_row_and_the_allowed_values(
    register: Any,
) -> None:
    response = swedish(register.admin).get(reverse("inventory:device_import_template"))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="importmall-inventarier.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    devices, allowed = book["Inventarier"], book["Tillåtna värden"]
    assert [c.value for c in devices[1]] == SWEDISH_HEADERS
    example = dict(zip(SWEDISH_HEADERS, [c.value for c in devices[2]], strict=True))
    assert (example["Modell"], example["Ägare"], example["Status"]) == (
        "B. Braun Infusomat Space",
        "2326",
        "I bruk",
    )
    rows = {row[0]: row for row in allowed.iter_rows(min_row=2, values_only=True)}
    assert rows["Inventarienummer"][1] == "ja" and rows["Placering"][1] == "nej"
    assert "Ur drift" in rows["Status"][2] and "ja eller nej" in rows["Steril"][2]


def test_the_filled_in_template_imports(register: Any) -> None:
    client = swedish(register.admin)
    body = client.get(reverse("inventory:device_import_template")).content
    report = import_devices(user=register.admin, data=body, filename="importmall-inventarier.xlsx")
    assert (report.ok, report.created) == (True, 1)
    device = Device.objects.get(asset_number="MT-012345")
    assert (device.owner_id, device.model_id, str(device.acquisition_value)) == (
        register.berg.pk,
        register.pump.pk,
        "28000.50",
    )


def test_the_import_page_offers_the_template_and_says_importera(register: Any) -> None:
    page = swedish(register.admin).get(reverse("inventory:device_import")).content.decode()
    assert "Ladda ner mallen (XLSX)" in page
    assert reverse("inventory:device_import_template") in page
    assert '<button type="submit">Importera</button>' in page


# Swedish headers, kommunkod owners, errors in the file's words -----------------------------------------


def test_a_file_with_the_pages_swedish_labels_and_kommunkod_owners_imports(register: Any) -> None:
    text = (
        "Inventarienummer;Modell;Ägare;Placering;Anskaffad;Anskaffningsvärde (kr);Steril;Utgångsdatum\n"
        "B-1;Infusomat Space;2326;AVD12;2024-05-02;28 000,50;nej;\n"
        "O-1;B. Braun Infusomat Space;2380;OST1;2023-01-10;;ja;2027-01-31\n"
        f"O-2;Infusomat Space;{register.ostersund.org_number};;;;nej;\n"
    )
    page = upload(swedish(register.admin), text)
    assert "3 inventarier importerade." in page
    berg, ost, by_number = (Device.objects.get(asset_number=a) for a in ("B-1", "O-1", "O-2"))
    assert (berg.owner_id, berg.location_id, str(berg.acquisition_date)) == (
        register.berg.pk,
        register.ward.pk,
        "2024-05-02",
    )
    assert (ost.owner_id, ost.location_id, ost.is_sterile) == (
        register.ostersund.pk,
        register.ost_ward.pk,
        True,
    )
    assert by_number.owner_id == register.ostersund.pk


def test_errors_name_the_columns_as_the_file_does_and_are_counted_by_row(register: Any) -> None:
    text = (
        "Inventarienummer;Modell;Ägare;Anskaffad\n"
        f"B-1;Okänd modell;9999;{in_a_week()}\n"
        "B-2;Infusomat Space;2326;förra året\n"
    )
    page = upload(swedish(register.admin), text)
    assert "Filen har 4 fel på 2 rader. Inget sparades." in page
    assert "<td>Modell</td>" in page and "<td>Ägare</td>" in page and "<td>Anskaffad</td>" in page
    assert "<td>model</td>" not in page and "<td>acquisition_date</td>" not in page
    assert not Device.objects.filter(asset_number__in=["B-1", "B-2"]).exists()


def test_three_errors_on_two_rows_are_counted_so(register: Any) -> None:
    text = "Inventarienummer;Modell;Ägare;Steril\nB-1;Okänd;NOPE;nej\nB-2;Infusomat Space;2326;kanske\n"
    assert "Filen har 3 fel på 2 rader. Inget sparades." in upload(swedish(register.admin), text)


# A future acquisition date: refused on the page, the API and the import -----------------------------


def test_the_device_form_refuses_a_future_acquisition_date(register: Any) -> None:
    response = swedish(register.tech).post(
        reverse("inventory:device_create"),
        {
            "asset_number": "B-0100",
            "model": register.pump.pk,
            "owner": register.berg.pk,
            "acquisition_date": in_a_week(),
            "maintenance_responsibility": "mt",
        },
    )
    assert response.status_code != 302
    assert f"Anskaffningsdatumet {in_a_week()} ligger i framtiden" in response.content.decode()
    assert not Device.objects.filter(asset_number="B-0100").exists()


def test_the_api_refuses_a_future_acquisition_date(register: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(register.admin)
    body = {
        "asset_number": "API-9",
        "model_id": register.pump.pk,
        "owner_id": register.berg.pk,
        "acquisition_date": in_a_week(),
    }
    response = client.post("/api/v1/devices", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"]["acquisition_date"][0].startswith(f"Anskaffningsdatumet {in_a_week()}")


def test_the_import_refuses_a_future_acquisition_date(register: Any) -> None:
    text = f"asset_number;model;owner;acquisition_date\nB-9;Infusomat Space;2326;{in_a_week()}\n"
    report = import_devices(user=register.admin, data=text.encode(), filename="d.csv")
    assert [(e.row, e.column) for e in report.errors] == [(1, "acquisition_date")]
    assert report.created == 0


# Status and placement selects -----------------------------------------------------------------------


def _options(page: str, select_id: str) -> list[str]:
    import re

    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    assert select, select_id
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))


def test_the_status_select_offers_only_the_statuses_allowed_next(register: Any) -> None:
    device = device_create(user=register.admin, asset_number="B-1", model=register.pump, owner=register.berg)
    page = swedish(register.tech).get(reverse("inventory:device_detail", args=[device.pk])).content.decode()
    offered = _options(page, "id_status")
    assert offered == ["Ur drift", "Under reparation", "Spärrad för användning", "Övertalig"]


def test_the_placement_list_follows_the_chosen_owner(register: Any) -> None:
    client = swedish(register.admin)
    page = client.get(reverse("inventory:device_create")).content.decode()
    assert f'hx-get="{reverse("inventory:location_options")}"' in page and 'hx-target="#id_location"' in page
    options = client.get(reverse("inventory:location_options"), {"owner": register.ostersund.pk})
    labels = _options(f'<select id="x">{options.content.decode()}</select>', "x")
    assert labels == ["Ingen placering", "Östersunds kommun – Östersund avd 1"]


def test_without_script_a_placement_of_another_owner_is_refused(register: Any) -> None:
    response = swedish(register.admin).post(
        reverse("inventory:device_create"),
        {
            "asset_number": "B-0101",
            "model": register.pump.pk,
            "owner": register.berg.pk,
            "location": register.ost_ward.pk,
            "maintenance_responsibility": "mt",
        },
    )
    assert response.status_code != 302
    assert not Device.objects.filter(asset_number="B-0101").exists()


# The menu on a phone ----------------------------------------------------------------------------------


def test_the_menu_has_one_button_that_folds_it_on_a_narrow_screen(register: Any) -> None:
    page = swedish(register.tech).get(reverse("inventory:device_list")).content.decode()
    assert (
        '<button type="button" class="nav-toggle" aria-expanded="false" aria-controls="main-nav">'
        "Meny</button>" in page
    )
    assert '<nav class="main-nav" id="main-nav"' in page


def test_the_import_command_refuses_a_future_acquisition_date_and_imports_a_good_file(
    register: Any, tmp_path: Any
) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    bad = tmp_path / "bad.csv"
    bad.write_text(f"Inventarienummer;Modell;Ägare;Anskaffad\nB-7;Infusomat Space;2326;{in_a_week()}\n")
    errors = io.StringIO()
    with pytest.raises(CommandError, match="1 errors on 1 rows; nothing was saved"):
        call_command("import-devices", str(bad), user=register.admin.username, stderr=errors)
    assert "row 1 (line 2), Anskaffad:" in errors.getvalue()
    good = tmp_path / "good.csv"
    good.write_text("Inventarienummer;Modell;Ägare;Anskaffad\nB-7;Infusomat Space;2326;2024-05-02\n")
    out = io.StringIO()
    call_command("import-devices", str(good), user=register.admin.username, stdout=out)
    assert out.getvalue().strip() == "1 devices imported."
    assert Device.objects.get(asset_number="B-7").owner_id == register.berg.pk
