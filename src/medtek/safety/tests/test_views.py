"""The pages, on the demo data: the issue's walk-through of a notice and of an incident."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from medtek.inventory.choices import DeviceStatus
from medtek.inventory.models import Device
from medtek.safety.models import AffectedDevice, Incident, SafetyNotice

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _register_pump_notice(demo: dict[str, Any], **extra: Any) -> Any:
    model = demo["models"]["Infusomat Space"]
    data = {
        "manufacturer": model.manufacturer_id,
        "reference": "FSN-2026-IS-07",
        "title": "Infusomat Space: pumphuset kan spricka",
        "issued_on": "2026-03-02",
        "action": "replace_part",
        "urgency": "high",
        "instructions": "Byt pumpluckan mot reservdel 8713050.",
        "models": [model.pk],
        "lots": "IS2401..IS2406",
        **extra,
    }
    return _client(demo["users"]["mt-admin"]).post("/safety/notices/new/", data)


def test_mt_walks_a_notice_from_registration_to_its_report(demo: dict[str, Any]) -> None:
    users = demo["users"]
    admin = _client(users["mt-admin"])
    response = _register_pump_notice(demo)
    assert response.status_code == 302
    notice = SafetyNotice.objects.get(reference="FSN-2026-IS-07")
    url = f"/safety/notices/{notice.pk}/"
    admin.post(url + "search/")
    customers = set(AffectedDevice.objects.filter(notice=notice).values_list("customer__name", flat=True))
    assert customers == {"Bergs kommun", "Bräcke kommun", "Härjedalens kommun"}
    page = admin.get(url).content.decode()
    assert "Bergs kommun" in page and "Härjedalens kommun" in page and "Säkerhetsmeddelande" in page

    admin.post(url + "work-orders/")
    rows = list(AffectedDevice.objects.filter(notice=notice))
    assert rows and all(r.work_order_id for r in rows)

    # Berg sees the notice, only its own devices, and acknowledges.
    berg = _client(users["berg"])
    assert "Väntar på er kvittering" in berg.get("/").content.decode()
    berg_page = berg.get(url).content.decode()
    assert "Bräcke kommun" not in berg_page and "Bergs kommun" in berg_page
    berg.post(url + "acknowledge/", {"customer": demo["orgs"]["BERG"].pk})
    assert notice.acknowledgements.get().customer == demo["orgs"]["BERG"]

    # The technician completes the work (as on the phone: start, then complete with what was done).
    tech = _client(users["mt-tech"])
    berg_rows = [r for r in rows if r.customer_id == demo["orgs"]["BERG"].pk]
    for row in berg_rows:
        tech.post(f"/maintenance/{row.work_order_id}/action/", {"action": "start"})
        tech.post(
            f"/maintenance/{row.work_order_id}/action/", {"action": "complete", "resolution": "Lucka bytt"}
        )

    report = admin.get(url + "report/").content.decode()
    assert report.count('<td class="outcome">Åtgärdad</td>') == len(berg_rows)
    assert "Ej kontrollerad" in report
    pdf = admin.get(url + "report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = admin.get(url + "report.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[1]
    assert sheet.max_row == len(rows) + 1


def test_a_lot_range_that_runs_backwards_is_refused_on_the_form(demo: dict[str, Any]) -> None:
    response = _register_pump_notice(demo, lots="IS2406..IS2401")
    assert response.status_code == 422
    refusal = "Batchintervallet börjar efter att det slutar: IS2406 ligger efter IS2401."
    assert refusal in response.content.decode()
    assert not SafetyNotice.objects.filter(reference="FSN-2026-IS-07").exists()


def test_a_customer_contact_cannot_open_another_customers_notice(demo: dict[str, Any]) -> None:
    _register_pump_notice(demo)
    notice = SafetyNotice.objects.get(reference="FSN-2026-IS-07")
    _client(demo["users"]["mt-admin"]).post(f"/safety/notices/{notice.pk}/search/")
    ostersund = _client(demo["users"]["ostersund"])
    assert ostersund.get(f"/safety/notices/{notice.pk}/").status_code == 404
    response = ostersund.post(
        f"/safety/notices/{notice.pk}/acknowledge/", {"customer": demo["orgs"]["BERG"].pk}
    )
    assert response.status_code == 404
    assert not notice.acknowledgements.exists()


def test_ostersund_reports_an_incident_that_blocks_the_device_and_mt_assesses_it(
    demo: dict[str, Any],
) -> None:
    users, orgs = demo["users"], demo["orgs"]
    device = Device.objects.filter(owner=orgs["OSTERSUND"], status=DeviceStatus.IN_USE).order_by("pk").first()
    assert device is not None
    ostersund = _client(users["ostersund"])
    form = ostersund.get(f"/safety/incidents/new/?device={device.pk}").content.decode()
    assert "personnummer" in form and device.asset_number in form
    response = ostersund.post(
        "/safety/incidents/new/",
        {
            "asset_number": device.asset_number,
            "kind": "adverse_event",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "place": "Avdelning 4, rum 2",
            "description": "Pumpen larmade inte vid ocklusion.",
            "patient_harm": "unknown",
            "block_device": "on",
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get(device=device)
    device.refresh_from_db()
    assert device.status == DeviceStatus.BLOCKED
    today = timezone.localdate().isoformat()
    admin = _client(users["mt-admin"])
    admin.post(
        f"/safety/incidents/{incident.pk}/",
        {
            "report_manufacturer": "on",
            "manufacturer_reference": "BB-2026-118",
            "manufacturer_reported_on": today,
            "report_authority": "on",
            "authority_reference": "LV 2026-004711",
            "authority_reported_on": today,
            "assessment": "Allvarlig händelse; rapporteras.",
        },
    )
    incident.refresh_from_db()
    assert incident.status == "assessed" and incident.authority_reference == "LV 2026-004711"
    page = ostersund.get(f"/safety/incidents/{incident.pk}/").content.decode()
    assert "LV 2026-004711" in page and "Läkemedelsverket" in page


def test_the_device_page_links_to_its_notices(demo: dict[str, Any]) -> None:
    row = AffectedDevice.objects.filter(notice=demo["safety_notice"]).first()
    assert row is not None
    admin = _client(demo["users"]["mt-admin"])
    device_page = admin.get(f"/devices/{row.device_id}/").content.decode()
    assert f"/safety/devices/{row.device_id}/" in device_page
    assert "FSN-2026-PS-01" in admin.get(f"/safety/devices/{row.device_id}/").content.decode()


def test_the_pages_answer_in_english_too(demo: dict[str, Any]) -> None:
    admin = _client(demo["users"]["mt-admin"])
    admin.post("/i18n/setlang/", {"language": "en"})
    assert "Field safety notices" in admin.get("/safety/").content.decode()
    assert "Incidents per model" in admin.get("/safety/incidents/").content.decode()


def test_a_manufacturers_list_with_unknown_serials_is_refused_with_each_row(demo: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    notice = demo["safety_notice"]
    known = (
        AffectedDevice.objects.filter(notice=notice).values_list("device__serial_number", flat=True).first()
    )
    upload = SimpleUploadedFile("lista.csv", f"Serienummer\n{known}\nXX-404\n".encode())
    admin = _client(demo["users"]["mt-admin"])
    response = admin.post(f"/safety/notices/{notice.pk}/list/", {"file": upload}, follow=True)
    page = response.content.decode()
    assert "1 rader i listan anger ingen enhet i registret; ingenting lades till." in page
    assert "Rad 3: XX-404 — ingen enhet av meddelandets modeller har detta serienummer" in page
