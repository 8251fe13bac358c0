"""The in-app list, the header's unread count, preferences, and MT admin's failures and outbox."""

from __future__ import annotations

import pytest
from django.core.mail import EmailMultiAlternatives

from medtek.notifications.choices import Kind, State
from medtek.notifications.mail import OutboxBackend
from medtek.notifications.models import Preference
from medtek.notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_the_header_counts_unread_and_the_list_shows_them(client, world):
    NotificationFactory(recipient=world.tech, subject="Assigned to you (P1): AU-000007 Defib")
    NotificationFactory(recipient=world.tech, subject="Old", read_at="2026-01-01T00:00Z")
    client.force_login(world.tech)
    page = client.get("/notifications/").content.decode()
    assert "Aviseringar <strong>(1)</strong>" in page
    assert "Assigned to you (P1): AU-000007 Defib" in page
    client.post("/notifications/read/")
    assert "<strong>(" not in client.get("/notifications/").content.decode()


def test_a_user_sees_only_their_own_notifications(client, world):
    NotificationFactory(recipient=world.admin, subject="For the admin only")
    client.force_login(world.tech)
    assert "For the admin only" not in client.get("/notifications/").content.decode()


def test_preferences_are_saved_per_kind(client, world):
    client.force_login(world.tech)
    response = client.post("/notifications/preferences/", {Kind.WO_ASSIGNED: "email", "language": "en"})
    assert response.status_code == 302
    assert Preference.objects.get(user=world.tech, kind=Kind.WO_ASSIGNED).mode == "email"


def test_mt_admin_sees_why_a_notification_was_not_delivered(client, world):
    NotificationFactory(
        recipient=world.berg_contact, state=State.FAILED, last_error="The e-mail address 'berg' is not valid."
    )
    client.force_login(world.admin)
    assert (
        "The e-mail address &#x27;berg&#x27; is not valid."
        in client.get("/notifications/failures/").content.decode()
    )


def test_others_may_not_see_failures_or_the_outbox(client, world):
    client.force_login(world.berg_contact)
    assert client.get("/notifications/failures/").status_code == 403
    assert client.get("/notifications/outbox/").status_code == 403


def test_the_demo_backend_stores_mail_for_the_outbox_page(client, world):
    world.berg_contact.email = "berg@example.se"
    world.berg_contact.save()
    message = EmailMultiAlternatives("Faktura 2026-0001", "Text", "medtek@example.se", ["berg@example.se"])
    message.attach_alternative("<p>Text</p>", "text/html")
    assert OutboxBackend().send_messages([message]) == 1
    client.force_login(world.admin)
    page = client.get("/notifications/outbox/").content.decode()
    assert "Faktura 2026-0001" in page and "berg@example.se" in page


def test_api_counts_and_marks_read(client, world):
    NotificationFactory(recipient=world.tech)
    client.force_login(world.tech)
    assert client.get("/api/v1/notifications/unread").json() == {"unread": 1}
    assert client.get("/api/v1/notifications/").json()["items"][0]["kind"] == Kind.FAULT_RECEIVED
    assert client.post("/api/v1/notifications/read", {}, content_type="application/json").json() == {
        "unread": 0
    }
