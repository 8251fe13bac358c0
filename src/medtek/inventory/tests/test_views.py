"""The register's pages, as each role sees them (Swedish is the default language)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from medtek.core.models import Event
from medtek.inventory.choices import DeviceStatus
from medtek.inventory.models import Device
from medtek.inventory.services import device_create
from medtek.inventory.tests.factories import DeviceModelFactory
from medtek.organizations.tests.factories import LocationFactory

GS1 = "(01)07610000000011(17)271231(10)LOT7(21)SN-778"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


@pytest.fixture
def reg(world: Any) -> Any:
    world.pump = DeviceModelFactory(name="Infusomat Space")
    world.ward = LocationFactory(organisation=world.berg, code="AVD1", name="Avdelning 1")
    world.ward2 = LocationFactory(organisation=world.berg, code="AVD2", name="Avdelning 2")
    world.device = device_create(
        user=world.admin, asset_number="B-0001", model=world.pump, owner=world.berg, location=world.ward
    )
    world.ost_device = device_create(
        user=world.admin, asset_number="O-0001", model=world.pump, owner=world.ostersund
    )
    return world


def detail_url(device: Device) -> str:
    return reverse("inventory:device_detail", kwargs={"device_id": device.pk})


# List ------------------------------------------------------------------------------------------------


def test_berg_sees_exactly_its_50_demo_devices(demo: Any) -> None:
    response = client_for(demo["users"]["berg"]).get(reverse("inventory:device_list"))
    assert response.status_code == 200
    assert "50 inventarier" in text(response)
    assert {d["owner__short_code"] for d in response.context["devices"]} == {"BERG"}


def test_mt_admin_list_counts_all_923_and_links_to_the_next_page(demo: Any) -> None:
    response = client_for(demo["users"]["mt-admin"]).get(reverse("inventory:device_list"))
    assert "923 inventarier" in text(response)
    assert response.context["next_url"].startswith("?cursor=")
    second = client_for(demo["users"]["mt-admin"]).get(
        reverse("inventory:device_list") + response.context["next_url"]
    )
    assert "Första sidan" in text(second)
    first_numbers = {d["asset_number"] for d in response.context["devices"]}
    assert not first_numbers & {d["asset_number"] for d in second.context["devices"]}


def test_list_says_more_than_the_cap_when_the_count_is_not_exact(reg: Any, settings: Any) -> None:
    settings.MEDTEK = {**settings.MEDTEK, "LIST_COUNT_CAP": 1}
    response = client_for(reg.admin).get(reverse("inventory:device_list"))
    assert "över 1 inventarier" in text(response)


def test_list_filters_by_status_like_the_api(reg: Any) -> None:
    Device.objects.filter(pk=reg.device.pk).update(status=DeviceStatus.UNDER_REPAIR)
    response = client_for(reg.admin).get(reverse("inventory:device_list"), {"status": "under_repair"})
    assert [d["asset_number"] for d in response.context["devices"]] == ["B-0001"]
    api = client_for(reg.admin).get("/api/v1/devices", {"status": "under_repair"}).json()
    assert [d["asset_number"] for d in api["items"]] == ["B-0001"]


def test_list_search_finds_by_asset_number_prefix(reg: Any) -> None:
    response = client_for(reg.admin).get(reverse("inventory:device_list"), {"q": "O-0"})
    assert [d["asset_number"] for d in response.context["devices"]] == ["O-0001"]


def test_list_shows_a_bad_filter_value_on_the_form(reg: Any) -> None:
    response = client_for(reg.admin).get(reverse("inventory:device_list"), {"status": "broken"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_export_links_carry_the_current_filters(reg: Any) -> None:
    response = client_for(reg.admin).get(reverse("inventory:device_list"), {"owner": reg.berg.pk})
    assert response.context["export_csv"] == f"/devices/export/?owner={reg.berg.pk}&fmt=csv"
    csv = client_for(reg.admin).get(response.context["export_csv"])
    body = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "B-0001" in body and "O-0001" not in body


def test_list_query_count_is_bounded(demo: Any, django_assert_max_num_queries: Any) -> None:
    client = client_for(demo["users"]["mt-admin"])
    # (one of them lists the device types for their filter, one the user's saved filters; two read the
    # organisation graph when its cache is cold, as after any change to the graph)
    with django_assert_max_num_queries(17):
        response = client.get(reverse("inventory:device_list"), {"owner": demo["orgs"]["OSTERSUND"].pk})
    assert len(response.context["devices"]) == 50


def test_customer_and_auditor_see_no_edit_or_import_buttons(reg: Any) -> None:
    for user in (reg.berg_contact, reg.auditor):
        page = text(client_for(user).get(reverse("inventory:device_list")))
        assert reverse("inventory:device_create") not in page
        assert reverse("inventory:device_import") not in page
        assert reverse("inventory:device_edit", kwargs={"device_id": reg.device.pk}) not in text(
            client_for(user).get(detail_url(reg.device))
        )


# Detail and history --------------------------------------------------------------------------------


def test_detail_shows_facts_and_history_in_swedish(reg: Any) -> None:
    response = client_for(reg.berg_contact).get(detail_url(reg.device))
    page = text(response)
    assert response.status_code == 200
    assert "Infusomat Space" in page and "Avdelning 1" in page
    assert "Registrerad" in page and "Ägare: Bergs kommun" in page


def test_foreign_device_is_404(reg: Any) -> None:
    assert client_for(reg.berg_contact).get(detail_url(reg.ost_device)).status_code == 404


def test_history_is_newest_first_with_before_and_after(reg: Any) -> None:
    client = client_for(reg.tech)
    client.post(
        reverse("inventory:device_status", kwargs={"device_id": reg.device.pk}), {"status": "under_repair"}
    )
    client.post(
        reverse("inventory:device_move", kwargs={"device_id": reg.device.pk}), {"location": reg.ward2.pk}
    )
    rows = client.get(detail_url(reg.device)).context["history"]
    assert [r["what"] for r in rows] == ["Flyttad", "Statusändring", "Registrerad"]
    assert ("Placering", "Avdelning 1", "Avdelning 2") in rows[0]["changes"]
    assert ("Status", "I bruk", "Under reparation") in rows[1]["changes"]
    assert rows[0]["who"] == reg.tech.username


# Create and edit -----------------------------------------------------------------------------------


def test_technician_registers_a_device(reg: Any) -> None:
    response = client_for(reg.tech).post(
        reverse("inventory:device_create"),
        {
            "asset_number": "B-0100",
            "model": reg.pump.pk,
            "owner": reg.berg.pk,
            "location": reg.ward.pk,
            "maintenance_responsibility": "mt",
        },
    )
    device = Device.objects.get(asset_number="B-0100")
    assert response.status_code == 302 and response["Location"] == detail_url(device)
    assert Event.objects.filter(device_id=device.pk, kind="device.created").count() == 1


def test_scanned_barcode_fills_udi_serial_lot_and_expiry(reg: Any) -> None:
    client_for(reg.admin).post(
        reverse("inventory:device_create"),
        {
            "asset_number": "B-0101",
            "model": reg.pump.pk,
            "owner": reg.berg.pk,
            "barcode": GS1,
            "maintenance_responsibility": "mt",
        },
    )
    device = Device.objects.get(asset_number="B-0101")
    assert (device.udi_di, device.serial_number, device.lot, str(device.expiry_date)) == (
        "07610000000011",
        "SN-778",
        "LOT7",
        "2027-12-31",
    )


def test_duplicate_asset_number_is_shown_on_its_field(reg: Any) -> None:
    response = client_for(reg.admin).post(
        reverse("inventory:device_create"),
        {
            "asset_number": "B-0001",
            "model": reg.pump.pk,
            "owner": reg.berg.pk,
            "maintenance_responsibility": "mt",
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["asset_number"] == [
        "En inventarie med detta inventarienummer är redan registrerad."
    ]


def test_service_rule_error_is_shown_on_the_form(reg: Any) -> None:
    response = client_for(reg.admin).post(
        reverse("inventory:device_create"),
        {
            "asset_number": "B-0102",
            "model": reg.pump.pk,
            "owner": reg.berg.pk,
            "is_sterile": "on",
            "maintenance_responsibility": "mt",
        },
    )
    assert response.context["form"].errors["expiry_date"] == [
        "En steril inventarie behöver sitt utgångsdatum."
    ]
    assert not Device.objects.filter(asset_number="B-0102").exists()


def test_owner_choices_are_only_organisations_the_user_may_edit(reg: Any) -> None:
    form = client_for(reg.admin).get(reverse("inventory:device_create")).context["form"]
    owners = set(form.fields["owner"].queryset.values_list("name", flat=True))
    assert {"Bergs kommun", "Östersunds kommun"} <= owners
    assert "Halmstads kommun" not in owners


def test_edit_records_what_changed(reg: Any) -> None:
    response = client_for(reg.tech).post(
        reverse("inventory:device_edit", kwargs={"device_id": reg.device.pk}),
        {"model": reg.pump.pk, "serial_number": "NEW-1", "maintenance_responsibility": "mt"},
    )
    assert response.status_code == 302
    event = Event.objects.filter(device_id=reg.device.pk, kind="device.updated").get()
    assert event.data["after"] == {"serial_number": "NEW-1"}


@pytest.mark.parametrize("role", ["berg_contact", "auditor"])
def test_customer_and_auditor_get_403_on_edit_pages(reg: Any, role: str) -> None:
    client = client_for(getattr(reg, role))
    assert client.get(reverse("inventory:device_create")).status_code == 403
    assert (
        client.get(reverse("inventory:device_edit", kwargs={"device_id": reg.device.pk})).status_code == 403
    )
    assert client.get(reverse("inventory:device_import")).status_code == 403
    status_url = reverse("inventory:device_status", kwargs={"device_id": reg.device.pk})
    assert client.post(status_url, {"status": "surplus"}).status_code == 403


# Status, move, owner ---------------------------------------------------------------------------------


def test_illegal_status_jump_shows_the_reason(reg: Any) -> None:
    response = client_for(reg.tech).post(
        reverse("inventory:device_status", kwargs={"device_id": reg.device.pk}), {"status": "sold"}
    )
    errors = response.context["status_form"].errors["status"]
    assert errors[0].startswith("En inventarie som är 'I bruk' kan inte bli 'Såld'")
    reg.device.refresh_from_db()
    assert reg.device.status == DeviceStatus.IN_USE


def test_legal_status_change_redirects_to_the_device(reg: Any) -> None:
    response = client_for(reg.tech).post(
        reverse("inventory:device_status", kwargs={"device_id": reg.device.pk}),
        {"status": "out_of_service", "reason": "Larmar"},
    )
    assert response.status_code == 302
    reg.device.refresh_from_db()
    assert reg.device.status == DeviceStatus.OUT_OF_SERVICE


def test_owner_change_moves_the_device_to_the_new_owner(reg: Any) -> None:
    client_for(reg.admin).post(
        reverse("inventory:device_owner", kwargs={"device_id": reg.device.pk}), {"owner": reg.ostersund.pk}
    )
    reg.device.refresh_from_db()
    assert reg.device.owner_id == reg.ostersund.pk and reg.device.location_id is None
    assert client_for(reg.berg_contact).get(detail_url(reg.device)).status_code == 404


def test_owner_change_places_the_device_at_one_of_the_new_owners_locations(reg: Any) -> None:
    ost_ward = LocationFactory(organisation=reg.ostersund, code="OST1", name="Östersund avd 1")
    client_for(reg.admin).post(
        reverse("inventory:device_owner", kwargs={"device_id": reg.device.pk}),
        {"owner": reg.ostersund.pk, "location": ost_ward.pk},
    )
    reg.device.refresh_from_db()
    assert (reg.device.owner_id, reg.device.location_id) == (reg.ostersund.pk, ost_ward.pk)


def test_owner_change_refuses_a_placement_at_another_organisation(reg: Any) -> None:
    response = client_for(reg.admin).post(
        reverse("inventory:device_owner", kwargs={"device_id": reg.device.pk}),
        {"owner": reg.ostersund.pk, "location": reg.ward2.pk},
    )
    assert "location" in response.context["owner_form"].errors
    reg.device.refresh_from_db()
    assert reg.device.owner_id == reg.berg.pk


def test_the_owner_form_offers_placements_only_once_an_owner_is_chosen(reg: Any) -> None:
    ost_ward = LocationFactory(organisation=reg.ostersund, code="OST1", name="Östersund avd 1")
    client = client_for(reg.admin)
    form = client.get(detail_url(reg.device)).context["owner_form"]
    assert [str(label) for _value, label in form.fields["location"].choices] == ["Ingen placering"]
    options = client.get(
        reverse("inventory:device_owner_locations", kwargs={"device_id": reg.device.pk}),
        {"owner": reg.ostersund.pk},
    ).content.decode()
    assert f'value="{ost_ward.pk}"' in options and "Östersund avd 1" in options
    assert "Avdelning 1" not in options


def test_move_to_the_same_place_is_refused_with_the_reason(reg: Any) -> None:
    response = client_for(reg.tech).post(
        reverse("inventory:device_move", kwargs={"device_id": reg.device.pk}), {"location": reg.ward.pk}
    )
    assert response.context["move_form"].errors["location"] == ["Inventarien står redan där."]


# Import ------------------------------------------------------------------------------------------------


def upload(client: Client, content: str, *, dry_run: bool = False, name: str = "devices.csv") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    data: dict[str, Any] = {"file": SimpleUploadedFile(name, content.encode(), content_type="text/csv")}
    if dry_run:
        data["dry_run"] = "on"
    from medtek.jobs.tests.helpers import post_and_follow

    return post_and_follow(client, reverse("inventory:device_import"), data)


@pytest.fixture
def importable(reg: Any) -> Any:
    reg.berg.short_code = "BERG"
    reg.berg.save()
    return reg


def test_import_with_a_bad_row_shows_the_row_report_and_writes_nothing(importable: Any) -> None:
    before = Device.objects.count()
    csv = "asset_number;model;owner\nI-1;Infusomat Space;BERG\nI-2;Okänd modell;BERG\n"
    response = upload(client_for(importable.admin), csv)
    page = text(response)
    assert "Inget sparades" in page
    errors = response.context["result"]["errors"]
    assert [(e["row"], e["line"], e["column"]) for e in errors] == [(2, 3, "model")]
    assert "Filen har 1 fel på 1 rad. Inget sparades." in page
    assert "Okänd modell &#x27;Okänd modell&#x27;." in page
    assert Device.objects.count() == before


def test_dry_run_checks_without_saving(importable: Any) -> None:
    response = upload(
        client_for(importable.admin), "asset_number;model;owner\nI-1;Infusomat Space;BERG\n", dry_run=True
    )
    assert "Provkörning: 1 rad kontrollerad" in text(response)
    assert not Device.objects.filter(asset_number="I-1").exists()


def test_import_creates_the_devices_and_says_how_many(importable: Any) -> None:
    csv = "asset_number;model;owner\nI-1;Infusomat Space;BERG\nI-2;Infusomat Space;BERG\n"
    response = upload(client_for(importable.admin), csv)
    assert "2 inventarier importerade." in text(response)
    assert Device.objects.filter(asset_number__in=["I-1", "I-2"], owner=importable.berg).count() == 2


def test_import_refuses_other_file_types(importable: Any) -> None:
    response = upload(client_for(importable.admin), "x", name="devices.txt")
    assert response.context["form"].errors["file"] == ["Ladda upp en .csv- eller .xlsx-fil."]


def test_technician_may_not_import(reg: Any) -> None:
    assert client_for(reg.tech).get(reverse("inventory:device_import")).status_code == 403


# Scan box and start page ---------------------------------------------------------------------------


def test_scan_box_finds_a_device_by_asset_number_serial_or_udi(reg: Any) -> None:
    from medtek.inventory.services import device_update

    device_update(user=reg.admin, device=reg.device, barcode=GS1)
    client = client_for(reg.tech)
    for code in ("b-0001", "SN-778", GS1):
        response = client.get(reverse("inventory:device_find"), {"code": code})
        assert response.status_code == 302 and response["Location"] == detail_url(reg.device), code


def test_scan_box_does_not_reveal_a_foreign_device(reg: Any) -> None:
    response = client_for(reg.berg_contact).get(reverse("inventory:device_find"), {"code": "O-0001"})
    assert response.status_code == 404
    assert "Ingen inventarie som du får se matchar" in text(response)


def test_start_page_shows_table_1_with_shares_summing_to_100(demo: Any) -> None:
    page = text(client_for(demo["users"]["mt-admin"]).get(reverse("home")))
    for share in ("5,4 %", "6,5 %", "10,4 %", "9,8 %", "4,4 %", "16,5 %", "5,7 %", "41,3 %", "100,0 %"):
        assert share in page
    assert '<td class="num">923</td>' in page


def test_start_page_as_of_an_earlier_date_shows_fewer_devices(demo: Any) -> None:
    response = client_for(demo["users"]["mt-admin"]).get(reverse("home"), {"as_of": "2018-01-01"})
    table = next(
        p["context"]["table"] for p in response.context["panels"] if "rows" in p["context"].get("table", {})
    )
    assert 0 < table["total"] < 923


# Links to the other parts of a device's life ---------------------------------------------------------


def test_berg_reports_a_fault_or_surplus_from_its_device_page(reg: Any) -> None:
    response = client_for(reg.berg_contact).get(detail_url(reg.device))
    links = {str(link["label"]): link["url"] for link in response.context["device_links"]}
    assert links == {
        "Underhåll och arbetsordrar": f"/maintenance/device/{reg.device.pk}/",
        "Felanmäl eller be om råd": f"/maintenance/report/?device={reg.device.pk}",
        "Registrera som övertalig": f"/decommissioning/cases/new/?device={reg.device.pk}",
        "Säkerhetsmeddelanden och händelser": f"/safety/devices/{reg.device.pk}/",
        "Rapportera en händelse": f"/safety/incidents/new/?device={reg.device.pk}",
    }
    assert f'href="/maintenance/report/?device={reg.device.pk}"' in text(response)


def test_the_auditor_gets_no_link_to_report_or_register_surplus(reg: Any) -> None:
    response = client_for(reg.auditor).get(detail_url(reg.device))
    assert [str(link["label"]) for link in response.context["device_links"]] == [
        "Underhåll och arbetsordrar",
        "Säkerhetsmeddelanden och händelser",
    ]


def test_the_surplus_form_from_a_device_page_has_the_device_filled_in(reg: Any) -> None:
    response = client_for(reg.berg_contact).get(f"/decommissioning/cases/new/?device={reg.device.pk}")
    form = response.context["form"]
    assert form["asset_1"].value() == "B-0001"
    assert form["organisation"].value() == reg.berg.pk


def test_the_surplus_form_ignores_a_device_the_user_may_not_register(reg: Any) -> None:
    response = client_for(reg.berg_contact).get(f"/decommissioning/cases/new/?device={reg.ost_device.pk}")
    assert response.context["form"]["asset_1"].value() in (None, "")
