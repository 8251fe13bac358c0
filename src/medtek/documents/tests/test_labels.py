"""Labels: a QR code per device that opens the device (or the fault report), PDFs for label printers and
A4 sheets for one device or a filtered selection, bounded with a clear message."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from medtek.documents import rules
from medtek.documents.labels import label_path, label_url
from medtek.inventory.tests.factories import DeviceFactory


@pytest.fixture
def w(world: Any) -> Any:
    world.device = DeviceFactory(owner=world.berg, asset_number="BERG-0001")
    return world


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


@pytest.mark.parametrize(
    ("fmt", "media_box"), [("62x29", b"175.75 82.20"), ("50x25", b"141.73 70.87"), ("a4", b"595.28 841.89")]
)
def test_a_devices_label_prints_in_each_format(w: Any, fmt: str, media_box: bytes) -> None:
    response = client_for(w.berg_contact).get(f"/labels/devices/{w.device.pk}/", {"format": fmt})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert media_box in response.content
    assert pages(response.content) == 1


def test_the_qr_code_holds_the_labels_address(w: Any, settings: Any) -> None:
    settings.MEDTEK_BASE_URL = "https://medtek.example.se"
    assert label_url("BERG-0001") == "https://medtek.example.se/labels/d/BERG-0001/"
    svg = client_for(w.berg_contact).get(f"/labels/devices/{w.device.pk}/qr.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content


def test_an_a4_sheet_prints_for_a_filtered_list(w: Any) -> None:
    for _ in range(25):
        DeviceFactory(owner=w.berg)
    DeviceFactory(owner=w.ostersund)
    response = client_for(w.admin).get("/labels/", {"owner": w.berg.pk, "format": "a4"})
    assert response.status_code == 200
    assert pages(response.content) == 2  # 26 labels, 24 a sheet


def test_a_sheet_holds_only_the_devices_the_user_may_see(w: Any) -> None:
    DeviceFactory(owner=w.ostersund)
    response = client_for(w.berg_contact).get("/labels/", {"format": "62x29"})
    assert pages(response.content) == 1


def test_a_label_request_for_too_many_devices_is_refused_with_the_reason(w: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(rules, "MAX_LABELS", 3)
    for _ in range(4):
        DeviceFactory(owner=w.berg)
    response = client_for(w.admin).get("/labels/", {"owner": w.berg.pk})
    assert response.status_code == 422
    assert "Urvalet omfattar 5 utrustningar; ett etikettark rymmer högst 3." in response.content.decode()


def test_a_hundred_thousand_labels_are_refused() -> None:
    message = rules.label_count_refusal(100_000)
    assert message.startswith("Urvalet omfattar 100 000 utrustningar; ett etikettark rymmer högst 1 000.")


def test_an_empty_selection_or_unknown_format_is_refused(w: Any) -> None:
    client = client_for(w.admin)
    assert client.get("/labels/", {"q": "no-such-device"}).status_code == 422
    assert client.get("/labels/", {"format": "a3"}).status_code == 422
    assert client.get(f"/labels/devices/{w.device.pk}/", {"format": "a3"}).status_code == 422


def test_a_technician_scanning_a_label_lands_on_the_device(w: Any) -> None:
    response = client_for(w.tech).get(label_path("BERG-0001"))
    assert response.status_code == 302
    assert response["Location"] == f"/devices/{w.device.pk}/"


def test_a_customer_contact_scanning_its_own_label_lands_on_the_fault_report(w: Any) -> None:
    response = client_for(w.berg_contact).get(label_path("BERG-0001"))
    assert response["Location"] == f"/maintenance/report/?device={w.device.pk}"
    page = client_for(w.berg_contact).get(response["Location"])
    assert page.status_code == 200
    assert "BERG-0001" in page.content.decode()


def test_another_organisations_contact_gets_its_own_fault_report(w: Any) -> None:
    response = client_for(w.ostersund_contact).get(label_path("BERG-0001"))
    assert response["Location"] == "/maintenance/report/"
    # The same answer as for a label that names no device at all: nothing is told about Berg's device.
    assert client_for(w.ostersund_contact).get(label_path("NO-SUCH"))["Location"] == "/maintenance/report/"


def test_scanning_a_label_asks_to_log_in_first(w: Any) -> None:
    response = Client().get(label_path("BERG-0001"))
    assert response.status_code == 302 and response["Location"].startswith(
        "/login/?next=/labels/d/BERG-0001/"
    )
