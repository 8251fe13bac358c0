"""The safety API: notices, their affected devices, the manufacturer's list, incidents; bad input."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from medtek.core.models import Event
from medtek.inventory.tests.factories import DeviceModelFactory
from medtek.safety.models import AffectedDevice, SafetyNotice
from medtek.safety.tests.factories import BAD_GTIN, GTIN, notice, pump

pytestmark = pytest.mark.django_db
API = "/api/v1/safety"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def pumps(world: Any) -> Any:
    world.model = DeviceModelFactory(name="Infusomat")
    world.devices = [
        pump(org, model=world.model, serial_number=f"SN{n:04d}", lot="L1")
        for n, org in enumerate([world.berg] * 3 + [world.ostersund] * 3)
    ]
    return world


def _body(world: Any, **extra: Any) -> dict[str, Any]:
    return {
        "manufacturer_id": world.model.manufacturer_id,
        "reference": "FSN-1",
        "title": "Alarm",
        "issued_on": "2026-02-01",
        "action": "inspect",
        "urgency": "high",
        "model_ids": [world.model.pk],
        **extra,
    }


def test_a_notice_is_registered_searched_and_listed_per_customer(pumps: Any) -> None:
    client = _client(pumps.admin)
    created = client.post(f"{API}/notices", _body(pumps), content_type="application/json")
    assert created.status_code == 201, created.content
    notice_id = created.json()["id"]
    assert client.post(f"{API}/notices/{notice_id}/search").json() == {"count": 6}
    page = client.get(f"{API}/notices/{notice_id}/devices", {"customer_id": pumps.berg.pk}).json()
    assert page["count"] == 3 and {i["customer"] for i in page["items"]} == {"Bergs kommun"}
    detail = client.get(f"{API}/notices/{notice_id}").json()
    assert detail["progress"]["found"] == 6 and detail["progress"]["customers"] == 2


def test_an_unknown_field_is_refused(pumps: Any) -> None:
    response = _client(pumps.admin).post(
        f"{API}/notices", _body(pumps, colour="red"), content_type="application/json"
    )
    assert response.status_code == 422
    assert "colour" in response.json()["errors"]


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        (
            {"serial_ranges": [{"start": "SN0900", "end": "SN0100"}]},
            "serial_ranges",
            "The serial range starts after it ends: SN0900 is after SN0100.",
        ),
        ({"udi_dis": [BAD_GTIN]}, "udi_dis", f"'{BAD_GTIN}' is not a valid GTIN: its check digit is wrong."),
    ],
)
def test_bad_criteria_get_their_reason_and_nothing_is_written(
    pumps: Any, extra: dict[str, Any], field: str, message: str
) -> None:
    before = Event.objects.count()
    response = _client(pumps.admin).post(
        f"{API}/notices", _body(pumps, **extra), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422
    assert response.json()["errors"][field] == [message]
    assert not SafetyNotice.objects.exists() and Event.objects.count() == before


def test_a_customer_contact_cannot_register_a_notice(pumps: Any) -> None:
    response = _client(pumps.berg_contact).post(
        f"{API}/notices", _body(pumps), content_type="application/json"
    )
    assert response.status_code == 403


def _xlsx(values: list[str]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Serienummer"])
    for value in values:
        ws.append([value])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_manufacturers_list_of_serials_and_udis_adds_its_devices(pumps: Any) -> None:
    udi_device = pump(pumps.berg, model=pumps.model, udi_di=GTIN, serial_number="X77")
    n = notice(pumps.admin, pumps.model, lots=["L9"])
    data = _xlsx(["SN0000", "SN0004", f"(01){GTIN}(21)X77"])
    upload = io.BytesIO(data)
    upload.name = "list.xlsx"
    response = _client(pumps.admin).post(f"{API}/notices/{n.pk}/affected-list", {"file": upload})
    assert response.json() == {"count": 3}
    listed = set(AffectedDevice.objects.filter(notice=n).values_list("device_id", flat=True))
    assert listed == {pumps.devices[0].pk, pumps.devices[4].pk, udi_device.pk}


def test_a_list_naming_unknown_serials_lists_them_and_adds_nothing(pumps: Any) -> None:
    n = notice(pumps.admin, pumps.model)
    upload = io.BytesIO(b"serial\nSN0001\nSN9999\nSN0002\nZZ-1\n")
    upload.name = "list.csv"
    response = _client(pumps.admin).post(
        f"{API}/notices/{n.pk}/affected-list", {"file": upload}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422
    assert response.json()["errors"]["file"] == [
        "2 rows of the list name no device of the register; nothing was added.",
        "Row 3: SN9999 — no device of the notice's models has this serial number",
        "Row 5: ZZ-1 — no device of the notice's models has this serial number",
    ]
    assert not AffectedDevice.objects.filter(notice=n).exists()


def test_the_report_xlsx_never_carries_a_formula(pumps: Any) -> None:
    from openpyxl import load_workbook

    evil = pump(pumps.berg, model=pumps.model, serial_number='=HYPERLINK("http://x")', lot="L1")
    n = notice(pumps.admin, pumps.model)
    client = _client(pumps.admin)
    client.post(f"{API}/notices/{n.pk}/search")
    row = AffectedDevice.objects.get(notice=n, device=evil)
    client.post(
        f"{API}/affected/{row.pk}/decision",
        {"decision": "not_affected", "reason": "+SUM(A1:A9)"},
        content_type="application/json",
    )
    response = client.get(f"{API}/notices/{n.pk}/report.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[1]
    cells = [c for r in sheet.iter_rows() for c in r if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert {c.value for c in cells} >= {'=HYPERLINK("http://x")', "+SUM(A1:A9)"}
    assert all(c.data_type == "s" for c in cells)


def test_the_affected_list_reads_in_bounded_queries(pumps: Any) -> None:
    n = notice(pumps.admin, pumps.model)
    client = _client(pumps.admin)
    client.post(f"{API}/notices/{n.pk}/search")
    client.post(f"{API}/notices/{n.pk}/work-orders")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"{API}/notices/{n.pk}/devices", {"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    assert len(queries) <= 10
    second = client.get(f"{API}/notices/{n.pk}/devices", {"limit": 2, "cursor": page["next_cursor"]}).json()
    assert {i["id"] for i in second["items"]}.isdisjoint({i["id"] for i in page["items"]})


def test_an_incident_is_reported_and_assessed_over_the_api(pumps: Any) -> None:
    device = pumps.devices[4]
    reported = _client(pumps.ostersund_contact).post(
        f"{API}/incidents",
        {
            "device_id": device.pk,
            "kind": "near_miss",
            "occurred_at": "2026-01-10T10:00:00+01:00",
            "place": "Rum 4",
            "description": "Fel restvolym visades.",
            "patient_harm": "no",
            "block_device": True,
        },
        content_type="application/json",
    )
    assert reported.status_code == 201, reported.content
    incident_id = reported.json()["id"]
    assert reported.json()["device_blocked"] is True
    assessed = _client(pumps.admin).post(
        f"{API}/incidents/{incident_id}/assessment",
        {
            "report_manufacturer": False,
            "report_authority": True,
            "authority_reference": "LV 2026-1",
            "authority_reported_on": "2026-01-12",
        },
        content_type="application/json",
    )
    assert assessed.json()["authority_reference"] == "LV 2026-1"
    per_model = _client(pumps.admin).get(f"{API}/incidents/per-model").json()
    assert per_model[0]["incidents"] == 1 and per_model[0]["reported"] == 1
    assert _client(pumps.berg_contact).get(f"{API}/incidents/{incident_id}").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/notices/99999999999999999999",
        "/notices/0/devices",
        "/notices?limit=0",
        "/incidents?limit=100000",
        "/incidents?model_id=99999999999999999999",
    ],
)
def test_ids_and_limits_out_of_range_are_bad_input(pumps: Any, path: str) -> None:
    assert _client(pumps.admin).get(f"{API}{path}").status_code == 422


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("list.xlsx", b"PK\x03\x04 not really a workbook", "The file could not be read as XLSX."),
        ("list.pdf", b"%PDF-1.4", "Give the list as a .csv or .xlsx file."),
        ("list.csv", b"serial\n\n", "The file lists no serial numbers or UDIs."),
    ],
)
def test_a_list_that_is_no_list_is_refused(pumps: Any, name: str, content: bytes, message: str) -> None:
    n = notice(pumps.admin, pumps.model)
    upload = io.BytesIO(content)
    upload.name = name
    response = _client(pumps.admin).post(
        f"{API}/notices/{n.pk}/affected-list", {"file": upload}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422
    assert response.json()["errors"]["file"] == [message]
