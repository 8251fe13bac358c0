"""Every read of notifications, taking the acting user first."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from medtek.notifications.choices import Kind, State
from medtek.notifications.models import Notification, OutboxMail, Preference, Profile
from medtek.notifications.rules import DEFAULT_MODE
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for


def notification_list(*, user: Any) -> QuerySet[Notification]:
    """The user's own notifications (digest mails themselves excluded), newest first."""
    return Notification.objects.filter(recipient_id=user.pk).exclude(kind=Kind.DIGEST)


def unread_count(*, user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return notification_list(user=user).filter(read_at__isnull=True).count()


def _require_admin(user: Any) -> None:
    # Delivery failures and the mail outbox name every user: MT admin only.
    if not scope_for(user).can(Cap.CONFIG_MANAGE):
        raise PermissionDenied


def failure_list(*, user: Any) -> QuerySet[Notification]:
    """Notifications not delivered, or still being retried after a failure, for MT admin."""
    _require_admin(user)
    return (
        Notification.objects.filter(Q(state=State.FAILED) | Q(state=State.PENDING, attempts__gt=0))
        .select_related("recipient")
        .order_by("-updated_at", "-id")
    )


def outbox_list(*, user: Any) -> QuerySet[OutboxMail]:
    """The mail the demo's backend stored instead of sending (Utkorg), for MT admin."""
    _require_admin(user)
    return OutboxMail.objects.all()


def preferences(*, user: Any) -> tuple[dict[str, str], str]:
    """Each kind's delivery for the user (defaults filled in), and their language."""
    chosen = dict(Preference.objects.filter(user_id=user.pk).values_list("kind", "mode"))
    modes = {k: chosen.get(k, DEFAULT_MODE[k]) for k in Kind.values if k != Kind.DIGEST}
    language = Profile.objects.filter(user_id=user.pk).values_list("language", flat=True).first() or "sv"
    return modes, language
