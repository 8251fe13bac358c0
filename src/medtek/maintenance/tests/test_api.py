"""The maintenance API under /api/v1/maintenance/, scoped per tenant like the register."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from medtek.inventory.models import Device
from medtek.maintenance.models import TimeEntry, WorkOrder

pytestmark = pytest.mark.django_db
BASE = "/api/v1/maintenance"


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def post(client: Client, path: str, body: dict) -> tuple[int, dict]:  # type: ignore[type-arg]
    response = client.post(BASE + path, data=json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def test_berg_reports_a_fault_on_its_own_device(demo):
    device = Device.objects.filter(owner=demo["orgs"]["BERG"]).first()
    status, body = post(
        client_for(demo["users"]["berg"]), "/work-orders", {"device_id": device.pk, "title": "Larmar"}
    )
    assert status == 201
    assert body["number"].startswith("AU-") and body["status"] == "reported" and body["kind"] == "cm"


def test_berg_cannot_report_on_an_ostersund_device_and_nothing_is_written(demo):
    device = Device.objects.filter(owner=demo["orgs"]["OSTERSUND"]).first()
    before = WorkOrder.objects.count()
    status, body = post(
        client_for(demo["users"]["berg"]), "/work-orders", {"device_id": device.pk, "title": "X"}
    )
    assert status == 422
    assert body["errors"] == {"device": ["Unknown device, or one you may not report on."]}
    assert WorkOrder.objects.count() == before


def test_berg_does_not_see_ostersund_work(demo):
    wo = WorkOrder.objects.filter(customer=demo["orgs"]["OSTERSUND"]).first()
    client = client_for(demo["users"]["berg"])
    assert client.get(f"{BASE}/work-orders/{wo.pk}").status_code == 404
    numbers = [w["number"] for w in client.get(f"{BASE}/work-orders").json()["items"]]
    assert wo.number not in numbers


def test_mt_triages_logs_and_closes_and_sla_shows_it(demo):
    users = demo["users"]
    device = Device.objects.filter(owner=demo["orgs"]["BERG"]).first()
    _, wo = post(client_for(users["berg"]), "/work-orders", {"device_id": device.pk, "title": "Larmar"})
    admin, tech = client_for(users["mt-admin"]), client_for(users["mt-tech"])
    status, body = post(
        admin, f"/work-orders/{wo['id']}/triage", {"priority": "P2", "assigned_to_id": users["mt-tech"].pk}
    )
    assert status == 200 and body["priority"] == "P2" and body["sla"]["working_time"] is True
    assert post(tech, f"/work-orders/{wo['id']}/start", {})[0] == 200
    today = timezone.localdate().isoformat()
    assert post(tech, f"/work-orders/{wo['id']}/time-entries", {"date": today, "hours": "2.5"})[0] == 201
    assert post(tech, f"/work-orders/{wo['id']}/travel-entries", {"date": today, "cost": "380"})[0] == 201
    status, line = post(
        tech,
        f"/work-orders/{wo['id']}/material-lines",
        {"date": today, "kind": "spare_part", "description": "Slang", "quantity": "2", "unit_price": "99.90"},
    )
    assert status == 201 and Decimal(line["amount"]) == Decimal("199.80")
    status, body = post(tech, f"/work-orders/{wo['id']}/close", {})
    assert status == 200 and body["status"] == "closed"
    assert body["sla"]["response_state"] == "ok" and body["sla"]["resolution_state"] == "ok"
    figures = admin.get(
        f"{BASE}/key-figures", {"customer": demo["orgs"]["BERG"].pk, "start": today, "end": today}
    ).json()
    assert figures["cm_count"] == 1 and figures["cm_resolution_rate"] == "100.0"


def test_time_entry_of_25_hours_is_a_clear_422(demo):
    wo = WorkOrder.objects.filter(status="in_progress").first()
    status, body = post(
        client_for(demo["users"]["mt-tech"]),
        f"/work-orders/{wo.pk}/time-entries",
        {"date": timezone.localdate().isoformat(), "hours": "25"},
    )
    assert status == 422
    assert body["errors"] == {"hours": ["No more than 24 hours can be logged on one day."]}
    assert not TimeEntry.objects.filter(hours=25).exists()


def test_customer_cannot_triage(demo):
    device = Device.objects.filter(owner=demo["orgs"]["BERG"]).first()
    berg = client_for(demo["users"]["berg"])
    _, wo = post(berg, "/work-orders", {"device_id": device.pk, "title": "Larmar"})
    status, _ = post(berg, f"/work-orders/{wo['id']}/triage", {"priority": "P1"})
    assert status == 403


def test_priority_model_with_overlap_is_refused_and_nothing_changes(demo):
    admin = client_for(demo["users"]["mt-admin"])
    before = admin.get(f"{BASE}/priority-models").json()
    classes = [dict(c) for c in before["pm_classes"]]
    classes[1]["max_score"] = 16
    response = admin.put(
        f"{BASE}/priority-models/pm", data=json.dumps({"classes": classes}), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"classes": ["PM class A overlaps another class at EM number 16."]}
    assert admin.get(f"{BASE}/priority-models").json() == before


def test_work_order_list_has_bounded_queries(demo, django_assert_max_num_queries):
    client = client_for(demo["users"]["mt-admin"])
    client.post(f"{BASE}/plan", data=json.dumps({"horizon_days": 30}), content_type="application/json")
    with django_assert_max_num_queries(12):
        body = client.get(f"{BASE}/work-orders", {"limit": 100}).json()
    assert len(body["items"]) == 100


def test_plan_twice_creates_nothing_the_second_time(demo):
    admin = client_for(demo["users"]["mt-admin"])
    first = post(admin, "/plan", {"horizon_days": 30})[1]
    second = post(admin, "/plan", {"horizon_days": 30})[1]
    assert first["work_orders_created"] > 0
    assert second["work_orders_created"] == 0 and second["watch_items_created"] == 0
