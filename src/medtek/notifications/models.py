"""The notification outbox, each user's choices, and the demo's mail outbox (Utkorg)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medtek.core.models import TimeStampedModel
from medtek.notifications.choices import Kind, Mode, State


class Notification(TimeStampedModel):
    """One message to one user, written in the transaction of its cause and delivered by the worker.

    `cause_key` names the cause (e.g. `wo:12:assigned:7`); with the recipient it is unique, so a rerun,
    a retry or a second worker never creates or sends it twice.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    cause_key = models.CharField(max_length=200)
    mode = models.CharField(_("delivery"), max_length=8, choices=Mode.choices)
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    # The object it is about, checked with visible_to at the moment of sending.
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    capability = models.CharField(max_length=32, blank=True)
    language = models.CharField(max_length=8, default="sv")
    subject = models.CharField(_("subject"), max_length=250)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    digest = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="items")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "cause_key"],
                name="notification_once_per_cause",
                violation_error_message=_("This notification was already written."),
            )
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notification_due"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}: {self.subject}"


class Preference(models.Model):
    """A user's choice of how one kind of notification reaches them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    mode = models.CharField(_("delivery"), max_length=8, choices=Mode.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.mode}"


class Profile(models.Model):
    """The language a user's notifications are written in (Swedish unless they chose English)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(_("language"), max_length=8, default="sv", choices=settings.LANGUAGES)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"


class OutboxMail(models.Model):
    """A mail as the demo's mail backend stored it instead of sending it (the Utkorg page)."""

    to = models.CharField(_("to"), max_length=500)
    from_email = models.CharField(_("from"), max_length=250)
    subject = models.CharField(_("subject"), max_length=250)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    stored_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-stored_at", "-id"]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
