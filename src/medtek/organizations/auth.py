"""API authentication: bearer tokens for scripts, the session for the browser."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.signals import request_finished
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from medtek.core.process_cache import ProcessCache
from medtek.organizations.models import ApiToken


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = _token_user(ApiToken.hash_key(token))
        if found is None:
            return None
        token_id, stale, user = found
        if not user.is_active:
            return None
        if stale:
            _pending.token_id = token_id  # written once the response is out (_write_last_use)
        request.user = user
        return user


# What a token resolved to is kept in the process for this long, so a script's requests after its first
# send no query to authenticate. A cached token never outlives its expiry; a revoke, or a change of a
# user or a membership, clears the cache of the process that made it at once, and other processes (other
# gunicorn workers and servers) notice within this many seconds (README, API tokens).
TOKEN_CACHE_SECONDS = float(settings.MEDTEK.get("TOKEN_CACHE_SECONDS", 10))
_TOKEN_CACHE_MAX = 1000


@dataclass
class _Resolved:
    """A token's row and its user's, memberships and the organisation graph's version, as read."""

    token_id: int
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    user_fields: tuple[str, ...]
    user_values: tuple[Any, ...]
    memberships: list[tuple[int, str]]
    graph_version: tuple[str, ...]


_tokens: ProcessCache[str, _Resolved] = ProcessCache(
    seconds=TOKEN_CACHE_SECONDS, max_entries=_TOKEN_CACHE_MAX
)


logger = logging.getLogger(__name__)
_pending = threading.local()
LAST_USE_WAIT_MS = 200  # SQLite: how long the note waits for another writer before it is skipped


def _write_last_use(**kwargs: Any) -> None:
    """After the response: note a token's last use. It is bookkeeping: a database that is locked, full
    or read-only just now is logged and the note skipped, never the request failed or delayed."""
    token_id = getattr(_pending, "token_id", None)
    if token_id is None:
        return
    _pending.token_id = None
    sqlite = connection.vendor == "sqlite"
    try:
        with connection.cursor() as cursor:
            if sqlite:  # the worker should not sit out another writer's whole busy timeout for this
                cursor.execute("PRAGMA busy_timeout")
                (waits,) = cursor.fetchone()
                cursor.execute(f"PRAGMA busy_timeout = {LAST_USE_WAIT_MS}")
            try:
                with transaction.atomic():
                    ApiToken.objects.filter(pk=token_id).update(last_used_at=timezone.now())
            finally:
                if sqlite:
                    cursor.execute(f"PRAGMA busy_timeout = {int(waits)}")
    except DatabaseError as exc:
        logger.warning("last use of API token %s not written: %s", token_id, exc)


request_finished.connect(_write_last_use, dispatch_uid="medtek-token-last-use")


def _connect_token_cache() -> None:
    """A revoke, or a change of a user, a membership or an organisation, clears the token cache."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed

    from medtek.organizations.models import Membership, Organisation

    _tokens.forget_on_change((ApiToken, Membership, Organisation, get_user_model()), "medtek-token-cache")
    m2m_changed.connect(
        _tokens.clear_on_commit,
        sender=Organisation.providers.through,
        weak=False,
        dispatch_uid="medtek-token-cache-providers",
    )


_connect_token_cache()


LAST_USED_PRECISION = dt.timedelta(seconds=300)  # a token's last use is written at most this often


def _token_user(key_hash: str) -> tuple[int, bool, Any] | None:
    """The token's id, whether its last use is due to be written, and its user with the user's scope
    already set: from the process's cache (TOKEN_CACHE_SECONDS), else in one query."""
    from django.contrib.auth import get_user_model

    from medtek.organizations.scoping import prime_scope

    now = timezone.now()
    found = _tokens.get(key_hash)
    if found is None:
        found = _read_token(key_hash)
        if found is None:
            return None
        _tokens.put(key_hash, found)
    if found.expires_at <= now:
        _tokens.forget(key_hash)
        return None
    user = get_user_model().from_db(connection.alias, found.user_fields, found.user_values)
    prime_scope(user, found.memberships, found.graph_version)
    stale = found.last_used_at is None or found.last_used_at < now - LAST_USED_PRECISION
    if stale:  # written after the response (_write_last_use); this process will not write it again soon
        found.last_used_at = now
    return found.token_id, stale, user


def _read_token(key_hash: str) -> _Resolved | None:
    """The token with its user, the user's memberships and the organisation graph's version, in one query.

    A script's every request starts here (unless cached); reading the memberships and the organisation
    graph's version along with the token saves the scope its own round trip to the database.
    """
    from django.contrib.auth import get_user_model

    from medtek.organizations.models import Membership
    from medtek.organizations.scoping import GRAPH_COLUMNS, graph_version_sql

    User = get_user_model()
    graph = ", ".join(f"v.{c} AS graph_{c}" for c in GRAPH_COLUMNS)
    rows: list[Any] = list(  # users, each with the extra columns of its row as attributes
        User.objects.raw(
            f"""
            SELECT u.*, t.id AS token_id, t.expires_at AS token_expires_at,
                   t.last_used_at AS token_last_used_at,
                   m.organisation_id AS member_of, m.role AS member_role, {graph}
            FROM {ApiToken._meta.db_table} t
            JOIN {User._meta.db_table} u ON u.id = t.user_id
            LEFT JOIN {Membership._meta.db_table} m ON m.user_id = u.id
            CROSS JOIN {graph_version_sql()} v
            WHERE t.key_hash = %s AND NOT t.revoked AND t.expires_at > %s
            """,
            [key_hash, connection.ops.adapt_datetimefield_value(timezone.now())],
        )
    )
    if not rows:
        return None
    user = rows[0]
    fields = tuple(f.attname for f in User._meta.concrete_fields)
    return _Resolved(
        token_id=user.token_id,
        expires_at=_aware(user.token_expires_at),
        last_used_at=None if user.token_last_used_at is None else _aware(user.token_last_used_at),
        user_fields=fields,
        user_values=tuple(getattr(user, f) for f in fields),
        memberships=[(row.member_of, row.member_role) for row in rows if row.member_of is not None],
        graph_version=tuple(str(getattr(user, f"graph_{c}")) for c in GRAPH_COLUMNS),
    )


def _aware(value: Any) -> dt.datetime:
    """A raw query's timestamp as an aware datetime (SQLite answers text, PostgreSQL aware datetimes)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)


class SessionAuth(APIKeyCookie):
    """The browser's session cookie; unsafe methods need the CSRF token as for any form."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None
