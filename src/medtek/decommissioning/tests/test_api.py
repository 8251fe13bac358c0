"""The API answers the routine's refusals as 422 with the field and message, and lists without N+1."""

import json

from django.test import Client

from medtek.inventory.models import Device


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_registering_and_refusing_a_trade_in_without_contract_through_the_api(demo):
    rh = demo["orgs"]["RH"]
    ultrasound = Device.objects.filter(owner=rh, model__name="LOGIQ E10").order_by("asset_number").first()
    unit = _client(demo["users"]["halland-unit"])
    created = unit.post(
        "/api/v1/decommissioning/cases",
        json.dumps({"reason": "replaced_on_reinvestment", "device_ids": [ultrasound.pk]}),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    item_id = created.json()["items"][0]["id"]
    mth = _client(demo["users"]["mth"])
    refused = mth.post(
        f"/api/v1/decommissioning/items/{item_id}/decision",
        json.dumps({"disposition": "trade_in", "recipient_id": demo["orgs"]["SUPPLIER-IMAGING"].pk}),
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert list(refused.json()["errors"]) == ["contract_reference"]
    allowed = mth.post(
        f"/api/v1/decommissioning/items/{item_id}/decision",
        json.dumps(
            {
                "disposition": "trade_in",
                "recipient_id": demo["orgs"]["SUPPLIER-IMAGING"].pk,
                "contract_reference": "AVT-2026-0412",
            }
        ),
        content_type="application/json",
    )
    assert allowed.status_code == 200
    assert allowed.json()["open_steps"] == [
        "inventory_listing",
        "deregistration",
        "patient_data_wiped",
        "responsibility_clarified",
    ]
    overview = mth.get("/api/v1/decommissioning/overview").json()
    assert overview["waiting_checklist_count"] == 1


def test_item_list_is_bounded_in_queries(demo, django_assert_max_num_queries):
    rh = demo["orgs"]["RH"]
    ids = list(Device.objects.filter(owner=rh).values_list("pk", flat=True)[:10])
    unit = _client(demo["users"]["halland-unit"])
    unit.post(
        "/api/v1/decommissioning/cases",
        json.dumps({"reason": "no_longer_needed", "device_ids": ids}),
        content_type="application/json",
    )
    mth = _client(demo["users"]["mth"])
    with django_assert_max_num_queries(12):
        body = mth.get("/api/v1/decommissioning/items").json()
    assert body["count"] == 10
