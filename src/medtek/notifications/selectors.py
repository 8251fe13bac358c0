"""Every read of notifications, taking the acting user first."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
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


def _reached_users(user: Any) -> QuerySet[Any]:
    """Users with a membership in an organisation the MT admin manages (403 for anyone else)."""
    scope = scope_for(user)
    if not scope.can(Cap.CONFIG_MANAGE):
        raise PermissionDenied
    users = get_user_model().objects.all()
    if scope.is_superuser:
        return users
    return users.filter(memberships__organisation_id__in=sorted(scope.org_ids(Cap.CONFIG_MANAGE)))


def failure_list(*, user: Any) -> QuerySet[Notification]:
    """Notifications not delivered, or still being retried after a failure, for MT admin."""
    reached = _reached_users(user).values("pk")
    return (
        Notification.objects.filter(Q(state=State.FAILED) | Q(state=State.PENDING, attempts__gt=0))
        .filter(recipient_id__in=reached)
        .select_related("recipient")
        .order_by("-updated_at", "-id")
    )


def outbox_list(*, user: Any) -> QuerySet[OutboxMail]:
    """The mail the demo's backend stored instead of sending (Utkorg), for MT admin."""
    return OutboxMail.objects.filter(to__in=_reached_users(user).exclude(email="").values("email"))


def preferences(*, user: Any) -> tuple[dict[str, str], str]:
    """Each kind's delivery for the user (defaults filled in), and their language."""
    chosen = dict(Preference.objects.filter(user_id=user.pk).values_list("kind", "mode"))
    modes = {k: chosen.get(k, DEFAULT_MODE[k]) for k in Kind.values if k != Kind.DIGEST}
    language = Profile.objects.filter(user_id=user.pk).values_list("language", flat=True).first() or "sv"
    return modes, language
