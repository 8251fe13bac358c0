"""Attachments: stored through the storage API with the type read from the bytes, shown on the pages of
what they belong to, downloaded only through the object's scope, refused with the reason, removed softly."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
import segno
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from medtek.core.models import Event
from medtek.documents.models import Attachment
from medtek.documents.tests.isolation import PDF
from medtek.inventory.tests.factories import DeviceFactory


def png() -> bytes:
    out = io.BytesIO()
    segno.make_qr("photo").save(out, kind="png", scale=3)
    return out.getvalue()


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 200 + b"\xff\xd9"


@pytest.fixture
def w(world: Any) -> Any:
    world.device = DeviceFactory(owner=world.berg)
    return world


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(user: Any, url: str, name: str, content: bytes, **extra: Any) -> Any:
    data = {"file": SimpleUploadedFile(name, content), "kind": extra.pop("kind", "other"), **extra}
    return client_for(user).post(url, data)


def test_a_technician_attaches_a_service_report_to_a_device(w: Any) -> None:
    response = upload(
        w.tech, f"/documents/devices/{w.device.pk}/upload/", "rapport.pdf", PDF, kind="service_report"
    )
    assert response.status_code == 302, response.content[:500]
    a = Attachment.objects.get()
    assert (a.name, a.kind, a.size, a.content_type) == (
        "rapport.pdf",
        "service_report",
        len(PDF),
        "application/pdf",
    )
    assert a.sha256 == hashlib.sha256(PDF).hexdigest()
    assert a.uploaded_by == w.tech
    event = Event.objects.get(kind="documents.attached")
    assert event.device_id == w.device.pk and event.data["sha256"] == a.sha256
    page = client_for(w.berg_contact).get(f"/devices/{w.device.pk}/")
    assert "rapport.pdf" in page.content.decode()
    download = client_for(w.berg_contact).get(f"/documents/files/{a.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


def _refused(w: Any, name: str, content: bytes, expected: str) -> None:
    before = Event.objects.count()
    response = upload(w.tech, f"/documents/devices/{w.device.pk}/upload/", name, content)
    assert response.status_code == 422
    assert expected in response.content.decode()
    assert Attachment.objects.count() == 0
    assert Event.objects.count() == before


def test_a_refused_file_is_shown_at_the_file_field_with_the_kind_kept(w: Any) -> None:
    before = Event.objects.count()
    response = upload(
        w.tech, f"/documents/devices/{w.device.pk}/upload/", "setup.exe", b"MZ\x90\x00", kind="service_report"
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'aria-invalid="true" aria-describedby="id_file_error"' in html
    assert '<ul class="errorlist" id="id_file_error"><li>Filer av typen .exe får inte bifogas' in html
    assert '<a href="#id_file">' in html
    assert '<option value="service_report" selected>' in html
    assert Attachment.objects.count() == 0 and Event.objects.count() == before


def test_a_file_over_the_size_limit_is_refused(w: Any, settings: Any) -> None:
    settings.MEDTEK = {**settings.MEDTEK, "ATTACHMENT_MAX_MB": 1}
    _refused(w, "big.pdf", PDF + b"0" * (1024 * 1024), "mer än de 1 MB en bilaga får vara")


def test_a_type_that_is_not_allowed_is_refused(w: Any) -> None:
    _refused(w, "setup.exe", b"MZ\x90\x00" + b"\x00" * 100, "Filer av typen .exe får inte bifogas")


def test_content_of_a_type_not_allowed_is_refused_whatever_its_name(w: Any) -> None:
    _refused(
        w,
        "notes.txt",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100,
        "är inte en typ som får bifogas",
    )


def test_content_that_does_not_match_its_name_is_refused(w: Any) -> None:
    _refused(w, "manual.pdf", png(), "Filen heter .pdf men innehållet är PNG")


@pytest.mark.parametrize("role", ["auditor", "berg_contact"])
def test_an_upload_to_an_object_the_user_may_not_change_is_refused(w: Any, role: str) -> None:
    response = upload(getattr(w, role), f"/documents/devices/{w.device.pk}/upload/", "r.pdf", PDF)
    assert response.status_code == 403
    assert "inventarieregistret" in response.content.decode()
    assert Attachment.objects.count() == 0


def test_an_upload_to_another_tenants_object_is_not_found(w: Any) -> None:
    response = upload(w.foreign_admin, f"/documents/devices/{w.device.pk}/upload/", "r.pdf", PDF)
    assert response.status_code == 404
    assert Attachment.objects.count() == 0


def test_another_tenants_file_is_not_found(w: Any) -> None:
    upload(w.tech, f"/documents/devices/{w.device.pk}/upload/", "berg.pdf", PDF)
    a = Attachment.objects.get()
    assert client_for(w.ostersund_contact).get(f"/documents/files/{a.pk}/").status_code == 404
    assert client_for(w.foreign_admin).get(f"/documents/files/{a.pk}/").status_code == 404
    assert client_for(w.berg_contact).get(f"/documents/files/{a.pk}/").status_code == 200


def test_a_manual_on_the_model_shows_on_every_device_of_the_model(w: Any) -> None:
    other = DeviceFactory(owner=w.ostersund, model=w.device.model)
    response = upload(
        w.tech,
        f"/documents/devices/{w.device.pk}/upload/",
        "bruksanvisning.pdf",
        PDF,
        kind="manual",
        for_model="on",
    )
    assert response.status_code == 302
    a = Attachment.objects.get()
    assert (a.target_type, a.target_id) == ("device_model", w.device.model_id)
    page = client_for(w.ostersund_contact).get(f"/devices/{other.pk}/").content.decode()
    assert "bruksanvisning.pdf" in page
    assert client_for(w.ostersund_contact).get(f"/documents/files/{a.pk}/").status_code == 200
    # A user who sees no device of the model does not get its files either.
    assert client_for(w.foreign_admin).get(f"/documents/files/{a.pk}/").status_code == 404


def test_a_photo_from_a_work_order_shows_on_the_device(w: Any) -> None:
    from medtek.maintenance import services as maintenance

    wo = maintenance.work_order_report(
        user=w.berg_contact,
        kind="cm",
        title="Larmar",
        description="Larmar hela tiden",
        device=w.device,
        customer=None,
    )
    page = client_for(w.tech).get(f"/maintenance/{wo.pk}/").content.decode()
    assert 'accept="image/*" capture="environment"' in page
    response = upload(w.tech, f"/documents/work-orders/{wo.pk}/upload/", "IMG_0001.jpg", JPEG, kind="photo")
    assert response.status_code == 302
    a = Attachment.objects.get()
    assert (a.target_type, a.content_type, a.device_id_hint) == ("work_order", "image/jpeg", w.device.pk)
    device_page = client_for(w.tech).get(f"/devices/{w.device.pk}/").content.decode()
    assert "IMG_0001.jpg" in device_page
    inline = client_for(w.tech).get(f"/documents/files/{a.pk}/?inline=1")
    assert inline["Content-Type"] == "image/jpeg" and "inline" in inline["Content-Disposition"]


def test_removing_a_file_is_soft_and_recorded(w: Any) -> None:
    upload(w.tech, f"/documents/devices/{w.device.pk}/upload/", "fel.pdf", PDF)
    a = Attachment.objects.get()
    response = client_for(w.tech).post(f"/documents/files/{a.pk}/remove/", {"reason": "Fel enhet"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.removed_at is not None and a.removed_by == w.tech and a.removal_reason == "Fel enhet"
    assert Event.objects.filter(kind="documents.removed", subject_id=a.pk).exists()
    assert client_for(w.tech).get(f"/documents/files/{a.pk}/").status_code == 404
    assert (
        f'data-attachment="{a.pk}"' not in client_for(w.tech).get(f"/devices/{w.device.pk}/").content.decode()
    )


def test_a_read_only_role_may_not_remove_a_file(w: Any) -> None:
    upload(w.tech, f"/documents/devices/{w.device.pk}/upload/", "r.pdf", PDF)
    a = Attachment.objects.get()
    assert client_for(w.auditor).post(f"/documents/files/{a.pk}/remove/").status_code == 403
    a.refresh_from_db()
    assert a.removed_at is None


@pytest.mark.parametrize(
    ("app", "maker", "page", "upload_path"),
    [
        ("agreements", "agreement_id", "/agreements/{}/", "/documents/agreements/{}/upload/"),
        ("billing", "invoice_id", "/billing/invoices/{}/", "/documents/invoices/{}/upload/"),
        ("decommissioning", "item_id", "/decommissioning/items/{}/", "/documents/items/{}/upload/"),
    ],
)
def test_agreements_invoices_and_surplus_items_carry_files(
    w: Any, django_user_model: Any, app: str, maker: str, page: str, upload_path: str
) -> None:
    import importlib

    w.superuser = django_user_model.objects.create_superuser("root-docs", password="x")
    pk = importlib.import_module(f"medtek.{app}.tests.isolation").FOREIGN[maker](w, w.berg)
    response = upload(w.admin, upload_path.format(pk), "avtal.pdf", PDF)
    assert response.status_code == 302, response.content[:300]
    html = client_for(w.admin).get(page.format(pk)).content.decode()
    assert "Dokument och foton" in html and "avtal.pdf" in html
