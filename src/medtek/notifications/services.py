"""Every write of notifications: the outbox rows, their delivery, digests, reading and preferences."""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from medtek.notifications import rules
from medtek.notifications.choices import Kind, Mode, State
from medtek.notifications.models import Notification, Preference, Profile

# A message in the recipient's language: (subject, lines of the body).
Composer = Callable[[], tuple[str, list[str]]]


def absolute_url(path: str) -> str:
    """A link that works from a mail: MEDTEK_BASE_URL + the path."""
    return settings.MEDTEK_BASE_URL.rstrip("/") + path


def is_visible(user: Any, object_type: str, object_id: int | None, capability: str) -> bool:
    """Whether `user` may see the object now (notifications never reach anyone who may not)."""
    if not object_type or object_id is None:
        return True
    return object_id in visible_ids(user, object_type, [object_id], capability)


# Ids per query when many are asked at once (SQLite's limit on parameters is 32,766; keep well below).
_CHUNK = 1000


def visible_ids(user: Any, object_type: str, ids: Iterable[int], capability: str) -> set[int]:
    """Which of `ids` (objects of `object_type`) `user` may see now: one query per thousand ids."""
    model = apps.get_model(object_type)
    wanted = sorted(set(ids))
    seen: set[int] = set()
    for i in range(0, len(wanted), _CHUNK):
        seen.update(
            model.objects.visible_to(user, capability)
            .filter(pk__in=wanted[i : i + _CHUNK])
            .values_list("pk", flat=True)
        )
    return seen


def _visible_items(user: Any, items: list[Notification]) -> list[Notification]:
    """The notifications among `items` whose object `user` may see now (one query per kind of object)."""
    groups: dict[tuple[str, str], list[int]] = {}
    for n in items:
        if n.object_type and n.object_id is not None:
            groups.setdefault((n.object_type, n.capability), []).append(n.object_id)
    allowed = {key: visible_ids(user, key[0], ids, key[1]) for key, ids in groups.items()}
    return [
        n
        for n in items
        if not n.object_type or n.object_id is None or n.object_id in allowed[(n.object_type, n.capability)]
    ]


def language_for(user_id: int) -> str:
    return Profile.objects.filter(user_id=user_id).values_list("language", flat=True).first() or "sv"


def render(subject: str, lines: list[str], url: str) -> tuple[str, str]:
    """The plain-text and HTML bodies of one message."""
    context = {"subject": subject, "lines": lines, "url": url}
    return (
        render_to_string("notifications/mail/message.txt", context),
        render_to_string("notifications/mail/message.html", context),
    )


_STATE_OF: dict[str, str] = {Mode.EMAIL: State.PENDING, Mode.DIGEST: State.IN_DIGEST}


@dataclass(frozen=True)
class Cause:
    """One thing to tell: its key (one notification per recipient and key), object, link and message."""

    key: str
    compose: Composer
    obj: models.Model | None = None
    # The link, or a function that makes it: called only when the notification is written.
    path: str | Callable[[], str] = ""


def notify(
    *,
    kind: str,
    recipients: Iterable[Any],
    cause_key: str,
    compose: Composer,
    obj: models.Model | None = None,
    capability: str = "view",
    path: str = "",
) -> int:
    """Write one notification per recipient who may see `obj`, in the caller's transaction.

    A recipient who already has one for `cause_key` gets nothing new. Returns how many were written.
    """
    return notify_many(
        kind=kind,
        recipients=recipients,
        causes=[Cause(key=cause_key, compose=compose, obj=obj, path=path)],
        capability=capability,
    )


def notify_many(
    *, kind: str, recipients: Iterable[Any], causes: Iterable[Cause], capability: str = "view"
) -> int:
    """`notify` for many causes of one kind at once: a fixed number of queries, not a few per cause.

    What each recipient already has, may see, and has chosen (mode, language) is read once for all
    causes; the new rows are written in one insert. Returns how many were written.
    """
    recipients = [u for u in recipients if u.is_active]
    causes = list(causes)
    if not recipients or not causes:
        return 0
    user_ids = [u.pk for u in recipients]
    keys = sorted({c.key for c in causes})
    had: set[tuple[str, int]] = set()
    for i in range(0, len(keys), _CHUNK):
        had.update(
            Notification.objects.filter(
                cause_key__in=keys[i : i + _CHUNK], recipient_id__in=user_ids
            ).values_list("cause_key", "recipient_id")
        )
    chosen = dict(Preference.objects.filter(user_id__in=user_ids, kind=kind).values_list("user_id", "mode"))
    languages = dict(Profile.objects.filter(user_id__in=user_ids).values_list("user_id", "language"))
    rows: list[Notification] = []
    for user in recipients:
        fresh = [c for c in causes if (c.key, user.pk) not in had]
        if not fresh:
            continue
        by_type: dict[str, list[int]] = {}
        for c in fresh:
            if c.obj is not None:
                by_type.setdefault(c.obj._meta.label_lower, []).append(c.obj.pk)
        allowed = {t: visible_ids(user, t, ids, capability) for t, ids in by_type.items()}
        mode = chosen.get(user.pk) or rules.DEFAULT_MODE[kind]
        language = languages.get(user.pk) or "sv"
        for c in fresh:
            object_type = c.obj._meta.label_lower if c.obj is not None else ""
            object_id = c.obj.pk if c.obj is not None else None
            if c.obj is not None and object_id not in allowed[object_type]:
                continue
            had.add((c.key, user.pk))
            path = c.path() if callable(c.path) else c.path
            url = absolute_url(path) if path else ""
            with translation.override(language):
                subject, lines = c.compose()
                text, html = render(subject, lines, url)
            rows.append(
                Notification(
                    recipient=user,
                    kind=kind,
                    cause_key=c.key,
                    mode=mode,
                    state=_STATE_OF.get(mode, State.APP_ONLY),
                    object_type=object_type,
                    object_id=object_id,
                    capability=capability,
                    language=language,
                    subject=subject[:250],
                    body_text=text,
                    body_html=html,
                    url=url,
                )
            )
    created = Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=_CHUNK)
    return len(created)


# --- delivery ------------------------------------------------------------------------------------------


@dataclass
class DeliveryResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    withheld: int = 0


def deliver_due(*, now: dt.datetime | None = None, limit: int = 500) -> DeliveryResult:
    """Send every pending notification whose time has come, each claimed before it is sent.

    A row is claimed in a short transaction (SELECT … FOR UPDATE SKIP LOCKED, its attempt counted and
    its next attempt moved a lease ahead), sent with no transaction open, and its outcome written in
    another short one: two workers never send one row at once, and a slow or absent mail server never
    holds a database lock (on SQLite a lock held over a send would make every other writer wait). A
    worker that dies while sending leaves the row to be tried again when the lease runs out; a mail
    server that is down leaves it pending with a later attempt (exponential back-off).
    """
    now = now or timezone.now()
    result = DeliveryResult()
    connection = get_connection(fail_silently=False)
    for _i in range(limit):
        item = _claim_next(now=now, result=result)
        if item is None:
            break
        if item.state == State.PENDING:
            _send(item, now=now, connection=connection, result=result)
    return result


# How long a claimed row waits before another worker may try it (a send that never came back).
CLAIM_LEASE = dt.timedelta(minutes=10)


@transaction.atomic
def _claim_next(*, now: dt.datetime, result: DeliveryResult) -> Notification | None:
    """The next row due, claimed for sending; or settled here (withheld, failed) without a send."""
    item = (
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(state=State.PENDING, next_attempt_at__lte=now)
        .select_related("recipient")
        .order_by("next_attempt_at", "id")
        .first()
    )
    if item is None:
        return None
    if not is_visible(item.recipient, item.object_type, item.object_id, item.capability):
        item.state = State.WITHHELD
        item.last_error = "The recipient may no longer see what it is about."
        result.withheld += 1
        item.save(update_fields=["state", "last_error", "updated_at"])
        return item
    problem = rules.email_problem(item.recipient.email or "")
    if problem:
        item.state, item.last_error = State.FAILED, problem
        result.failed += 1
        item.save(update_fields=["state", "last_error", "updated_at"])
        return item
    item.attempts += 1
    item.next_attempt_at = now + CLAIM_LEASE
    item.save(update_fields=["attempts", "next_attempt_at", "updated_at"])
    return item


def _send(item: Notification, *, now: dt.datetime, connection: Any, result: DeliveryResult) -> None:
    """Send one claimed row (no transaction open) and write how it went."""
    message = EmailMultiAlternatives(
        subject=item.subject,
        body=item.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[item.recipient.email],
        connection=connection,
    )
    if item.body_html:
        message.attach_alternative(item.body_html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
        item.state, item.last_error = State.FAILED, f"Refused by the mail server: {exc}"[:500]
        result.failed += 1
    except (OSError, smtplib.SMTPException) as exc:
        item.last_error = f"{type(exc).__name__}: {exc}"[:500]
        if item.attempts >= rules.MAX_ATTEMPTS:
            item.state = State.FAILED
            result.failed += 1
        else:
            item.next_attempt_at = now + rules.backoff(item.attempts)
            result.retrying += 1
        _close(connection)
    else:
        item.state, item.sent_at, item.last_error = State.SENT, timezone.now(), ""
        result.sent += 1
    item.save(update_fields=["state", "next_attempt_at", "last_error", "sent_at", "updated_at"])


def _close(connection: Any) -> None:
    try:
        connection.close()
    except Exception:  # a broken connection may fail to close; the next attempt opens a new one
        connection.connection = None


# --- digests -------------------------------------------------------------------------------------------


def digest_build(*, now: dt.datetime | None = None, force: bool = False) -> int:
    """Gather each user's waiting notifications into one daily digest (outside the quiet hours)."""
    now = now or timezone.now()
    quiet = rules.parse_quiet_hours(settings.MEDTEK_NOTIFY_QUIET_HOURS)
    if not force and rules.in_quiet_hours(timezone.localtime(now).hour, quiet):
        return 0
    user_ids = (
        Notification.objects.filter(state=State.IN_DIGEST, created_at__lte=now)
        .order_by()  # without the model's ordering, which would make every row distinct
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    return sum(_digest_for(user_id, now) for user_id in list(user_ids))


@transaction.atomic
def _digest_for(user_id: int, now: dt.datetime) -> int:
    items = list(
        Notification.objects.select_for_update(skip_locked=True)
        .filter(recipient_id=user_id, state=State.IN_DIGEST, created_at__lte=now)
        .select_related("recipient")
        .order_by("created_at", "id")
    )
    if not items:
        return 0
    user = items[0].recipient
    visible = _visible_items(user, items)
    day = timezone.localdate(now)
    key = f"digest:{day.isoformat()}:{items[0].pk}"
    if visible:
        with translation.override(language_for(user_id)):
            subject = _("medtek: %(count)s notifications of %(day)s") % {"count": len(visible), "day": day}
            lines = [f"{n.subject}: {n.url}" if n.url else n.subject for n in visible]
            text, html = render(subject, lines, absolute_url("/notifications/"))
        digest = Notification.objects.create(
            recipient=user,
            kind=Kind.DIGEST,
            cause_key=key,
            mode=Mode.EMAIL,
            state=State.PENDING,
            subject=subject[:250],
            body_text=text,
            body_html=html,
            url=absolute_url("/notifications/"),
            language=language_for(user_id),
            read_at=now,
        )
        Notification.objects.filter(pk__in=[n.pk for n in visible]).update(
            state=State.DIGESTED, digest=digest, updated_at=now
        )
    Notification.objects.filter(pk__in=[n.pk for n in items if n not in visible]).update(
        state=State.WITHHELD, updated_at=now
    )
    return 1 if visible else 0


# --- the user's side -----------------------------------------------------------------------------------


@transaction.atomic
def notifications_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them when no ids are given)."""
    qs = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


@transaction.atomic
def preferences_set(*, user: Any, modes: dict[str, str], language: str | None = None) -> None:
    """Save how each kind reaches the user, and the language of their mail."""
    for kind, mode in modes.items():
        if kind not in Kind.values or kind == Kind.DIGEST:
            raise ValidationError({kind: _("Unknown kind of notification.")})
        if mode not in Mode.values:
            raise ValidationError({kind: _("Choose e-mail at once, daily digest or in the app only.")})
        Preference.objects.update_or_create(user_id=user.pk, kind=kind, defaults={"mode": mode})
    if language is not None:
        if language not in dict(settings.LANGUAGES):
            raise ValidationError({"language": _("Unknown language.")})
        Profile.objects.update_or_create(user_id=user.pk, defaults={"language": language})
