"""The issue's acceptance flow on the demo data, with the demo's mail backend (Utkorg)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from medtek.agreements.models import Agreement
from medtek.inventory.models import Device
from medtek.maintenance import services as work
from medtek.notifications import checks
from medtek.notifications.models import Notification, OutboxMail

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox_backend(settings):
    settings.EMAIL_BACKEND = "medtek.notifications.mail.OutboxBackend"


def test_a_p1_fault_reaches_the_technician_in_the_app_and_the_outbox(demo, outbox_backend, client):
    berg, admin, tech = (demo["users"][u] for u in ("berg", "mt-admin", "mt-tech"))
    device = Device.objects.visible_to(berg, "work.report").order_by("pk").first()
    wo = work.work_order_report(user=berg, kind="cm", title="Larmar hela tiden", device=device)
    work.work_order_triage(user=admin, work_order=wo, priority="P1", assigned_to=tech)
    call_command("notify", "deliver")
    mail = OutboxMail.objects.get(to="mt-tech@example.se", subject__contains=wo.number)
    assert mail.subject == f"Tilldelad dig (P1): {wo.number} Larmar hela tiden"
    assert f"/maintenance/{wo.pk}/" in mail.body_text
    assert OutboxMail.objects.filter(to="berg@example.se", subject__startswith="Prioriterad P1").exists()
    client.force_login(tech)
    assert f"Tilldelad dig (P1): {wo.number}" in client.get("/notifications/").content.decode()
    client.force_login(admin)
    assert f"Tilldelad dig (P1): {wo.number}" in client.get("/notifications/outbox/").content.decode()


def test_the_notice_deadline_reminder_reaches_mt_admin_and_berg(demo, outbox_backend):
    agreement = Agreement.objects.get(reference="RJH-MT-2026")
    deadline = agreement.notice_deadline_on(dt.date(2026, 12, 1))
    checks.check_notice_deadlines(today=deadline - dt.timedelta(days=30))
    call_command("notify", "deliver")
    for user in ("mt-admin", "berg"):
        assert OutboxMail.objects.filter(
            to=f"{user}@example.se", subject=f"Uppsägningsfrist {deadline.isoformat()}: {agreement.title}"
        ).exists()
    assert Notification.objects.filter(kind="notice_deadline", state="sent").count() >= 2
