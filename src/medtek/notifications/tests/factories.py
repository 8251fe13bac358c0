"""Factories for notifications."""

from __future__ import annotations

import factory

from medtek.notifications.choices import Kind, Mode, State
from medtek.notifications.models import Notification
from medtek.organizations.tests.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    """A pending e-mail notification about nothing in particular."""

    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory, email=factory.Sequence(lambda n: f"user{n}@example.se"))
    kind = Kind.FAULT_RECEIVED
    cause_key = factory.Sequence(lambda n: f"test:{n}")
    mode = Mode.EMAIL
    state = State.PENDING
    subject = "Received: AU-000001 Pump alarms"
    body_text = "Received: AU-000001 Pump alarms\n\nhttps://medtek.example.se/maintenance/1/\n"
    body_html = "<p>Received</p>"
    url = "https://medtek.example.se/maintenance/1/"
