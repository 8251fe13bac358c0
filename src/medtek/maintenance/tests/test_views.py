"""The maintenance pages, as each role sees them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from medtek.inventory.models import Device
from medtek.maintenance.models import TimeEntry, WorkOrder

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize(
    "name", ["my_work", "board", "pm_due", "work_order_list", "key_figures", "priority_models", "report"]
)
def test_mt_admin_pages_render(demo, name):
    assert client_for(demo["users"]["mt-admin"]).get(reverse(f"maintenance:{name}")).status_code == 200


def test_scanning_an_asset_number_opens_the_device_work_page(demo):
    device = Device.objects.filter(owner=demo["orgs"]["BERG"]).first()
    response = client_for(demo["users"]["mt-tech"]).get(
        reverse("maintenance:my_work"), {"code": device.asset_number}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("maintenance:device_work", kwargs={"device_id": device.pk})


def test_berg_reports_a_fault_from_its_device_page(demo):
    device = Device.objects.filter(owner=demo["orgs"]["BERG"]).first()
    client = client_for(demo["users"]["berg"])
    page = client.get(reverse("maintenance:device_work", kwargs={"device_id": device.pk}))
    assert "Report a fault or ask for advice" in page.content.decode()
    response = client.post(
        reverse("maintenance:report"), {"device": device.pk, "kind": "cm", "title": "Trasig"}
    )
    wo = WorkOrder.objects.get(device=device, title="Trasig")
    assert response["Location"] == reverse("maintenance:work_order_detail", kwargs={"work_order_id": wo.pk})


def test_a_swedish_user_sees_maintenance_in_swedish(demo):
    """Without a language choice the pages speak Swedish: the compiled catalog is in place."""
    device = Device.objects.filter(owner=demo["orgs"]["BERG"]).first()
    foreign = Device.objects.filter(owner=demo["orgs"]["OSTERSUND"]).first()
    client = Client()
    client.force_login(demo["users"]["berg"])
    page = client.get(reverse("maintenance:device_work", kwargs={"device_id": device.pk}))
    assert "Felanmäl eller be om råd" in page.content.decode()
    response = client.post(reverse("maintenance:report"), {"device": foreign.pk, "kind": "cm", "title": "X"})
    assert response.status_code == 422
    assert "Okänd utrustning, eller utrustning som du inte får felanmäla." in response.content.decode()


def test_berg_cannot_open_an_ostersund_device(demo):
    device = Device.objects.filter(owner=demo["orgs"]["OSTERSUND"]).first()
    client = client_for(demo["users"]["berg"])
    assert client.get(reverse("maintenance:device_work", kwargs={"device_id": device.pk})).status_code == 404


def test_berg_reporting_on_an_ostersund_device_gets_an_error_and_nothing_is_written(demo):
    device = Device.objects.filter(owner=demo["orgs"]["OSTERSUND"]).first()
    before = WorkOrder.objects.count()
    response = client_for(demo["users"]["berg"]).post(
        reverse("maintenance:report"), {"device": device.pk, "kind": "cm", "title": "X"}
    )
    assert response.status_code == 422
    assert "Unknown device, or one you may not report on." in response.content.decode()
    assert WorkOrder.objects.count() == before


def test_technician_logs_time_from_the_work_order_page(demo):
    wo = WorkOrder.objects.filter(status="in_progress").first()
    client = client_for(demo["users"]["mt-tech"])
    client.post(
        reverse("maintenance:time_entry_add", kwargs={"work_order_id": wo.pk}),
        {"hours": "2,5", "billable": ["off", "on"]},
    )
    assert TimeEntry.objects.filter(work_order=wo, hours=Decimal("2.5"), billable=True).exists()


def test_negative_hours_show_the_error_on_the_page(demo):
    wo = WorkOrder.objects.filter(status="in_progress").first()
    client = client_for(demo["users"]["mt-tech"])
    response = client.post(
        reverse("maintenance:time_entry_add", kwargs={"work_order_id": wo.pk}), {"hours": "-2"}, follow=True
    )
    assert "Hours must be more than 0." in response.content.decode()


def test_board_lists_open_work_by_priority(demo):
    html = client_for(demo["users"]["mt-admin"]).get(reverse("maintenance:board")).content.decode()
    assert 'id="board-P3"' in html and "Larmar utan orsak" in html


def test_customer_sees_only_its_own_work(demo):
    html = client_for(demo["users"]["berg"]).get(reverse("maintenance:work_order_list")).content.decode()
    assert "Larmar utan orsak" not in html  # Östersund's fault
