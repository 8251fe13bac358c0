"""Evidence on the decommissioning checklist: a step that requires evidence is not ticked without it, and
the reason is named; a device with patient data cannot leave until the certificate and verifier are in."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from medtek.decommissioning import services
from medtek.decommissioning.models import ChecklistEntry, SurplusItem
from medtek.decommissioning.tests.isolation import FOREIGN as DECOM
from medtek.documents.tests.isolation import PDF


@pytest.fixture
def w(world: Any, django_user_model: Any) -> Any:
    world.superuser = django_user_model.objects.create_superuser("root-ev", password="x")
    item = SurplusItem.objects.get(pk=DECOM["item_id"](world, world.berg))
    device = item.device
    device.stores_patient_data = True
    device.has_radiation_source = True
    device.save()
    services.surplus_item_decide(
        user=world.admin,
        item=item,
        disposition="destroy",
        waste_category="electronic",
        not_donated_reason="x",
    )
    world.item = SurplusItem.objects.get(pk=item.pk)
    return world


def record(w: Any, step: str, **kwargs: Any) -> Any:
    return services.surplus_item_record_step(user=w.tech, item=w.item, step=step, **kwargs)


def refused(w: Any, step: str, **kwargs: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        record(w, step, **kwargs)
    assert not ChecklistEntry.objects.filter(item=w.item, step=step).exists()
    return exc.value.message_dict


def test_the_wipe_needs_a_method_and_a_second_person(w: Any) -> None:
    errors = refused(w, "patient_data_wiped", method="Blancco")
    assert errors["wipe_method"] == ["Välj hur patientdata raderades."]
    assert errors["verified_by"] == [
        "En andra person ska verifiera raderingen: ange vem som verifierade den."
    ]


def test_the_one_who_wiped_cannot_verify_it(w: Any) -> None:
    errors = refused(
        w, "patient_data_wiped", method="Reset", evidence={"wipe_method": "factory_reset"}, verified_by=w.tech
    )
    assert errors["verified_by"] == ["Raderingen verifieras av en andra person, inte av den som utförde den."]


def test_a_verifier_who_may_not_work_on_the_item_is_refused(w: Any) -> None:
    errors = refused(
        w,
        "patient_data_wiped",
        method="Reset",
        evidence={"wipe_method": "factory_reset"},
        verified_by=w.berg_contact,
    )
    assert "verified_by" in errors


def test_a_certified_erasure_needs_its_certificate_attached(w: Any) -> None:
    errors = refused(
        w,
        "patient_data_wiped",
        method="Blancco 8",
        evidence={"wipe_method": "certified_erasure"},
        verified_by=w.admin,
    )
    assert errors["wipe_method"] == [
        "Raderingsmetoden ger ett intyg: bifoga det till objektet (typ: intyg) innan steget registreras."
    ]
    client = Client()
    client.force_login(w.tech)
    response = client.post(
        f"/documents/items/{w.item.pk}/upload/",
        {
            "file": SimpleUploadedFile("raderingsintyg.pdf", PDF),
            "kind": "certificate",
            "step": "patient_data_wiped",
        },
    )
    assert response.status_code == 302
    entry = record(
        w,
        "patient_data_wiped",
        method="Blancco 8",
        evidence={"wipe_method": "certified_erasure"},
        verified_by=w.admin,
    )
    assert entry.verified_by == w.admin and entry.evidence == {"wipe_method": "certified_erasure"}


def test_radiation_protection_needs_the_source_receiver_licence_and_ssm_date(w: Any) -> None:
    errors = refused(w, "radiation_protection")
    assert set(errors) == {"source_outcome", "receiver", "licence_reference", "ssm_notified_on"}
    entry = record(
        w,
        "radiation_protection",
        evidence={
            "source_outcome": "returned_to_supplier",
            "receiver": "Siemens Healthineers AB",
            "licence_reference": "SSM2025-1234",
            "ssm_notified_on": "2026-03-02",
        },
    )
    assert entry.evidence["ssm_notified_on"] == "2026-03-02"


def test_leaving_the_fixed_asset_register_gives_finance_book_value_and_disposal(w: Any) -> None:
    errors = refused(w, "deregistration", evidence={"registers": ["device_register", "fixed_assets"]})
    assert set(errors) == {"fixed_asset_number", "book_value", "disposal"}
    assert "Se rutin för Anläggningstillgångar" in errors["book_value"][0]
    entry = record(
        w,
        "deregistration",
        evidence={
            "registers": ["device_register", "fixed_assets", "service_contract"],
            "fixed_asset_number": "AT-2019-0042",
            "book_value": "0",
            "disposal": "Utrangering, skrotning",
        },
    )
    assert entry.evidence["book_value"] == "0"


def test_a_device_with_patient_data_cannot_leave_until_certificate_and_verifier_are_recorded(w: Any) -> None:
    for step in ("inventory_listing", "deregistration", "responsibility_clarified"):
        record(w, step)
    record(
        w,
        "radiation_protection",
        evidence={
            "source_outcome": "disposed",
            "receiver": "Studsvik",
            "licence_reference": "SSM-1",
            "ssm_notified_on": "2026-01-10",
        },
    )
    with pytest.raises(ValidationError) as exc:
        services.surplus_item_hand_over(user=w.admin, item=w.item)
    assert "Patientdata tömd" in exc.value.message_dict["checklist"][0]


def test_finance_sees_the_fixed_asset_disposal_in_its_list(w: Any, django_user_model: Any) -> None:
    from medtek.organizations.choices import Role
    from medtek.organizations.tests.factories import user_with_role

    record(
        w,
        "deregistration",
        evidence={
            "registers": ["fixed_assets"],
            "fixed_asset_number": "AT-2019-0042",
            "book_value": "1250.00",
            "disposal": "Skrotning",
        },
    )
    finance = user_with_role(w.mt, Role.FINANCE, username="finance-ev")
    client = Client()
    client.force_login(finance)
    page = client.get("/decommissioning/fixed-assets/").content.decode()
    assert "AT-2019-0042" in page and "1250.00" in page and "Skrotning" in page
    other = Client()
    other.force_login(w.foreign_admin)
    assert "AT-2019-0042" not in other.get("/decommissioning/fixed-assets/").content.decode()
    contact = Client()
    contact.force_login(w.ostersund_contact)
    assert "AT-2019-0042" not in contact.get("/decommissioning/fixed-assets/").content.decode()
