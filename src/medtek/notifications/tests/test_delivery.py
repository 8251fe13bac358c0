"""Delivery over real SMTP on the loopback: sent once, retried while the server is down."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from medtek.notifications.choices import State
from medtek.notifications.models import Notification
from medtek.notifications.services import deliver_due
from medtek.notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_a_pending_notification_is_sent_once_as_text_and_html(smtp):
    n = NotificationFactory()
    assert deliver_due().sent == 1
    assert deliver_due().sent == 0
    (mail,) = smtp.inbox.messages
    assert mail["Subject"] == "Received: AU-000001 Pump alarms"
    assert mail["To"] == n.recipient.email
    assert [p.get_content_type() for p in mail.walk()][1:] == ["text/plain", "text/html"]
    n.refresh_from_db()
    assert n.state == State.SENT and n.attempts == 1


def test_no_database_transaction_is_open_while_the_mail_server_takes_the_message(smtp):
    """A slow mail server must not hold a database lock (on SQLite, every other writer would wait)."""
    from django.db import connections

    delivering = connections["default"]  # this thread's connection, which deliver_due uses
    outside = len(delivering.atomic_blocks)  # the test's own transaction
    depths: list[int] = []
    receive = smtp.inbox.handle_DATA

    async def handle_data(server, session, envelope):
        depths.append(len(delivering.atomic_blocks))
        return await receive(server, session, envelope)

    smtp.inbox.handle_DATA = handle_data  # type: ignore[method-assign]
    NotificationFactory()
    assert deliver_due().sent == 1
    assert depths == [outside]


def test_server_down_keeps_it_pending_with_back_off_and_sends_it_once_when_back(smtp):
    n = NotificationFactory()
    smtp.stop()
    now = timezone.now()
    result = deliver_due(now=now)
    assert (result.sent, result.retrying) == (0, 1)
    n.refresh_from_db()
    assert n.state == State.PENDING
    assert n.attempts == 1
    assert n.next_attempt_at == now + dt.timedelta(seconds=30)
    assert "ConnectionRefusedError" in n.last_error
    deliver_due(now=now + dt.timedelta(seconds=31))
    n.refresh_from_db()
    assert (n.attempts, n.next_attempt_at) == (2, now + dt.timedelta(seconds=31 + 60))
    smtp.start()
    assert deliver_due(now=now + dt.timedelta(seconds=60)).sent == 0  # not yet due again
    assert deliver_due(now=now + dt.timedelta(seconds=200)).sent == 1
    assert deliver_due(now=now + dt.timedelta(seconds=900)).sent == 0
    assert len(smtp.inbox.messages) == 1
    n.refresh_from_db()
    assert (n.state, n.last_error) == (State.SENT, "")


def test_an_invalid_address_leaves_it_in_the_app_with_the_reason(smtp):
    n = NotificationFactory(recipient__email="berg")
    assert deliver_due().failed == 1
    n.refresh_from_db()
    assert n.state == State.FAILED
    assert n.last_error == "The e-mail address 'berg' is not valid."
    assert smtp.inbox.messages == []


def test_a_recipient_who_may_no_longer_see_the_object_is_never_sent_it(smtp, world):
    from medtek.maintenance.tests.factories import WorkOrderFactory

    wo = WorkOrderFactory(customer=world.berg)
    world.ostersund_contact.email = "ost@example.se"
    world.ostersund_contact.save()
    n = NotificationFactory(
        recipient=world.ostersund_contact,
        object_type="maintenance.workorder",
        object_id=wo.pk,
        capability="view",
    )
    assert deliver_due().withheld == 1
    n.refresh_from_db()
    assert n.state == State.WITHHELD
    assert smtp.inbox.messages == []


@pytest.mark.django_db(transaction=True)
def test_two_delivery_runs_at_once_send_each_notification_once(smtp, event_log_flushable):
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED need PostgreSQL (run with DATABASE_URL=postgres://...)")
    for _ in range(20):
        NotificationFactory()
    barrier = threading.Barrier(2)
    results = []

    def run() -> None:
        from django.db import connections

        barrier.wait()
        try:
            results.append(deliver_due())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.sent for r in results) == 20
    assert len(smtp.inbox.messages) == 20
    assert Notification.objects.filter(state=State.SENT).count() == 20
