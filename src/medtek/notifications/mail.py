"""The demo's mail backend: every message is stored in the outbox table (Utkorg) instead of sent."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend


class OutboxBackend(BaseEmailBackend):
    """EMAIL_BACKEND for `make demo`: MT admin reads the mail on the Utkorg page."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        from medtek.notifications.models import OutboxMail

        for message in email_messages:
            html = ""
            if isinstance(message, EmailMultiAlternatives):
                html = next((str(c) for c, mime in message.alternatives if mime == "text/html"), "")
            OutboxMail.objects.create(
                to=", ".join(message.to),
                from_email=message.from_email or "",
                subject=str(message.subject),
                body_text=str(message.body),
                body_html=html,
            )
        return len(email_messages)
