"""The register's JSON API: token auth, keyset pages, errors with field detail, import and export."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from medtek.core.models import Event
from medtek.inventory.models import Device
from medtek.inventory.tests.factories import DeviceFactory, DeviceModelFactory

API = "/api/v1"


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def token_for(username: str) -> str:
    out = io.StringIO()
    call_command("token", "create", username, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def admin_api(world: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_for(world.admin.username)}", HTTP_ACCEPT_LANGUAGE="en")


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API}{path}", data=json.dumps(body), content_type="application/json")


def test_token_create_prints_a_bearer_token_that_authenticates(world: Any) -> None:
    token = token_for(world.berg_contact.username)
    assert token.startswith("mtk_")
    response = Client().get(f"{API}/devices", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200


def test_token_create_for_an_unknown_user_fails_with_the_reason(db: Any) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"No user named 'ghost'\."):
        call_command("token", "create", "ghost")


def test_without_credentials_the_api_answers_401_with_how_to_log_in(db: Any) -> None:
    response = Client().get(f"{API}/devices")
    assert response.status_code == 401
    assert response.json()["detail"] == "Log in, or send a token as 'Authorization: Bearer TOKEN'"


def test_a_wrong_token_is_401(db: Any) -> None:
    assert Client().get(f"{API}/devices", HTTP_AUTHORIZATION="Bearer mtk_nope").status_code == 401


def test_device_list_asked_to_count_answers_a_page_with_count_and_cursor(
    world: Any, admin_api: Client
) -> None:
    for i in range(3):
        DeviceFactory(owner=world.berg, asset_number=f"L{i}")
    body = admin_api.get(f"{API}/devices?limit=2&count=true").json()
    assert [d["asset_number"] for d in body["items"]] == ["L0", "L1"]
    assert (body["count"], body["count_exact"]) == (3, True)
    rest = admin_api.get(f"{API}/devices?limit=2&cursor={body['next_cursor']}").json()
    assert [d["asset_number"] for d in rest["items"]] == ["L2"]
    assert (rest["count"], rest["next_cursor"]) == (3, None)


def test_device_list_not_asked_to_count_answers_the_page_with_a_null_count(
    world: Any, admin_api: Client
) -> None:
    for i in range(3):
        DeviceFactory(owner=world.berg, asset_number=f"L{i}")
    body = admin_api.get(f"{API}/devices?limit=2").json()
    assert [d["asset_number"] for d in body["items"]] == ["L0", "L1"]
    assert (body["count"], body["count_exact"]) == (None, False)
    rest = admin_api.get(f"{API}/devices?limit=2&cursor={body['next_cursor']}").json()
    assert ([d["asset_number"] for d in rest["items"]], rest["count"]) == (["L2"], None)


def test_a_search_asked_to_count_counts_its_matches(world: Any, admin_api: Client) -> None:
    for i in range(3):
        DeviceFactory(owner=world.berg, asset_number=f"QZ{i}")
    DeviceFactory(owner=world.berg, asset_number="X1")
    body = admin_api.get(f"{API}/devices?q=QZ&count=true").json()
    assert ([d["asset_number"] for d in body["items"]], body["count"]) == (["QZ0", "QZ1", "QZ2"], 3)
    assert admin_api.get(f"{API}/devices?q=QZ").json()["count"] is None


def test_device_list_item_carries_names_and_register_state(world: Any, admin_api: Client) -> None:
    DeviceFactory(owner=world.berg, asset_number="N1", status="scrapped")
    item = admin_api.get(f"{API}/devices").json()["items"][0]
    assert (item["owner"], item["status"], item["in_register"]) == ("Bergs kommun", "scrapped", False)


def test_device_list_is_scoped_to_the_token_owner(world: Any) -> None:
    DeviceFactory(owner=world.berg, asset_number="B1")
    DeviceFactory(owner=world.ostersund, asset_number="O1")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(world.berg_contact.username)}")
    assert [d["asset_number"] for d in client.get(f"{API}/devices").json()["items"]] == ["B1"]


def test_bad_filter_is_422_naming_the_field(world: Any, admin_api: Client) -> None:
    response = admin_api.get(f"{API}/devices?status=broken")
    assert response.status_code == 422
    assert response.json()["errors"] == {"status": ["'broken' is not a device status"]}


def test_bad_cursor_is_422_naming_the_cursor(world: Any, admin_api: Client) -> None:
    response = admin_api.get(f"{API}/devices?cursor=zzz")
    assert response.status_code == 422
    assert response.json()["errors"]["cursor"] == [
        "The cursor is not one this list gave out; start from the first page."
    ]


def test_limit_above_the_maximum_is_422(world: Any, admin_api: Client) -> None:
    response = admin_api.get(f"{API}/devices?limit=1000")
    assert response.status_code == 422
    assert "limit" in response.json()["errors"]


def test_device_list_query_count_does_not_grow_with_the_page(
    world: Any, admin_api: Client, django_assert_max_num_queries: Any
) -> None:
    for i in range(60):
        DeviceFactory(owner=world.berg, asset_number=f"Q{i:02d}")
    # The first request also reads the token and the organisation graph, and records the token's use (at
    # most every few minutes); a page after it is the page alone, or the count and the page.
    admin_api.get(f"{API}/devices?limit=1")
    with django_assert_max_num_queries(1):
        assert len(admin_api.get(f"{API}/devices?limit=50").json()["items"]) == 50
    with django_assert_max_num_queries(2):
        assert admin_api.get(f"{API}/devices?limit=50&count=true").json()["count"] == 60


def test_a_revoked_token_is_refused_at_once_though_its_user_was_cached(world: Any) -> None:
    key = token_for(world.admin.username)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get(f"{API}/devices").status_code == 200
    call_command("token", "revoke", key[:8], stdout=io.StringIO())
    assert client.get(f"{API}/devices").status_code == 401


def test_a_user_who_loses_a_membership_loses_its_devices_on_the_next_request(world: Any) -> None:
    from medtek.organizations.models import Membership

    DeviceFactory(owner=world.berg, asset_number="B1")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(world.berg_contact.username)}")
    assert [d["asset_number"] for d in client.get(f"{API}/devices").json()["items"]] == ["B1"]
    Membership.objects.filter(user=world.berg_contact).delete()
    assert client.get(f"{API}/devices").json()["items"] == []


def test_create_device_answers_201_and_logs_it(world: Any, admin_api: Client) -> None:
    model = DeviceModelFactory()
    response = post(
        admin_api, "/devices", {"asset_number": "API-1", "model_id": model.pk, "owner_id": world.berg.pk}
    )
    assert response.status_code == 201
    assert Event.objects.filter(device_id=response.json()["id"], kind="device.created").exists()


def test_create_device_with_a_rule_broken_is_422_with_field_detail(world: Any, admin_api: Client) -> None:
    body = {
        "asset_number": "API-2",
        "model_id": DeviceModelFactory().pk,
        "owner_id": world.berg.pk,
        "is_sterile": True,
    }
    response = post(admin_api, "/devices", body)
    assert response.status_code == 422
    assert response.json() == {
        "detail": "A sterile device needs its expiry date.",
        "errors": {"expiry_date": ["A sterile device needs its expiry date."]},
    }


def test_create_device_with_a_missing_field_is_422_naming_it(world: Any, admin_api: Client) -> None:
    response = post(admin_api, "/devices", {"asset_number": "API-3"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) >= {"model_id", "owner_id"}


def test_illegal_status_change_is_422_with_the_lifecycle_reason(world: Any, admin_api: Client) -> None:
    device = DeviceFactory(owner=world.berg)
    response = post(admin_api, f"/devices/{device.pk}/status", {"status": "sold"})
    assert response.status_code == 422
    assert response.json()["errors"]["status"][0].startswith("A device that is 'In use' cannot become 'Sold'")


def test_another_tenants_device_is_404(world: Any, admin_api: Client) -> None:
    device = DeviceFactory(owner=world.foreign)
    assert admin_api.get(f"{API}/devices/{device.pk}").status_code == 404


def test_customer_contact_changing_a_device_it_sees_is_403_and_writes_nothing(world: Any) -> None:
    device = DeviceFactory(owner=world.berg)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(world.berg_contact.username)}")
    response = post(client, f"/devices/{device.pk}/status", {"status": "out_of_service"})
    assert response.status_code == 403
    assert not Event.objects.filter(device_id=device.pk).exists()


def test_device_events_list_the_history_newest_first(world: Any, admin_api: Client) -> None:
    model = DeviceModelFactory()
    device_id = post(
        admin_api, "/devices", {"asset_number": "H-1", "model_id": model.pk, "owner_id": world.berg.pk}
    ).json()["id"]
    post(admin_api, f"/devices/{device_id}/status", {"status": "out_of_service", "reason": "fault"})
    kinds = [e["kind"] for e in admin_api.get(f"{API}/devices/{device_id}/events").json()["items"]]
    assert kinds == ["device.status_changed", "device.created"]


def test_device_events_say_what_each_was_in_words(world: Any, admin_api: Client) -> None:
    model = DeviceModelFactory()
    device_id = post(
        admin_api, "/devices", {"asset_number": "H-2", "model_id": model.pk, "owner_id": world.berg.pk}
    ).json()["id"]
    items = admin_api.get(f"{API}/devices/{device_id}/events", HTTP_ACCEPT_LANGUAGE="sv").json()["items"]
    assert [(e["kind"], e["description"]) for e in items] == [("device.created", "Registrerad")]


def test_counts_now_per_owner(world: Any, admin_api: Client) -> None:
    DeviceFactory(owner=world.berg)
    DeviceFactory(owner=world.berg)
    body = admin_api.get(f"{API}/devices/counts").json()
    assert body["total"] == 2
    assert body["owners"] == [{"owner_id": world.berg.pk, "owner": "Bergs kommun", "count": 2}]


def test_counts_as_of_a_bad_date_is_422(world: Any, admin_api: Client) -> None:
    assert admin_api.get(f"{API}/devices/counts?as_of=2025-13-01").status_code == 422


def csv_file(text: str, name: str = "devices.csv") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_import_registers_the_file_and_answers_the_report(world: Any, admin_api: Client) -> None:
    model = DeviceModelFactory(name="Pump X")
    text = f"asset_number;model;owner\nIMP-1;{model.name};{world.berg.short_code}\n"
    response = admin_api.post(f"{API}/devices/import", {"file": csv_file(text)})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "ok": True,
        "dry_run": False,
        "rows": 1,
        "created": 1,
        "error_count": 0,
        "error_rows": 0,
        "errors": [],
    }
    assert Device.objects.filter(asset_number="IMP-1").exists()


def test_import_with_bad_rows_is_422_with_every_row_error(world: Any, admin_api: Client) -> None:
    text = f"asset_number;model;owner\nIMP-1;Nope;{world.berg.short_code}\n"
    response = admin_api.post(f"{API}/devices/import", {"file": csv_file(text)})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"row": 1, "line": 2, "column": "model", "message": "Unknown device model 'Nope'."}
    ]
    assert not Device.objects.exists()


def test_import_dry_run_writes_nothing(world: Any, admin_api: Client) -> None:
    model = DeviceModelFactory(name="Pump Y")
    text = f"asset_number;model;owner\nIMP-2;{model.name};{world.berg.short_code}\n"
    response = admin_api.post(f"{API}/devices/import", {"file": csv_file(text), "dry_run": "true"})
    assert response.json()["dry_run"] is True
    assert not Device.objects.exists()


def test_import_by_a_user_without_the_import_right_is_403(world: Any) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(world.tech.username)}")
    response = client.post(f"{API}/devices/import", {"file": csv_file("asset_number;model;owner\n")})
    assert response.status_code == 403


def test_export_csv_has_the_import_columns_and_the_users_devices(world: Any, admin_api: Client) -> None:
    DeviceFactory(owner=world.berg, asset_number="E-1")
    DeviceFactory(owner=world.foreign, asset_number="E-2")
    response = admin_api.get(f"{API}/devices/export?format=csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["asset_number", "model", "owner"]
    assert [r[0] for r in rows[1:]] == ["E-1"]


def test_export_in_an_unknown_format_is_422(world: Any, admin_api: Client) -> None:
    response = admin_api.get(f"{API}/devices/export?format=pdf")
    assert response.status_code == 422
    assert response.json()["errors"] == {"format": ["Export as csv or xlsx."]}


def test_device_list_items_have_exactly_the_schemas_shape_and_values(world: Any, admin_api: Client) -> None:
    import datetime as dt
    from decimal import Decimal

    from medtek.inventory.schemas import DeviceOut

    device = DeviceFactory(
        owner=world.berg,
        acquisition_value=Decimal("28000.50"),
        acquisition_date=dt.date(2024, 5, 1),
        is_sterile=True,
        expiry_date=dt.date(2027, 1, 1),
    )
    expected = json.loads(DeviceOut.from_orm(Device.objects.get(pk=device.pk)).model_dump_json())
    assert admin_api.get(f"{API}/devices").json()["items"] == [expected]
