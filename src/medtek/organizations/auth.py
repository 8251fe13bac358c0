"""API authentication: bearer tokens for scripts, the session for the browser."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

from django.core.signals import request_finished
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

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


LAST_USED_PRECISION = dt.timedelta(seconds=300)  # a token's last use is written at most this often


def _token_user(key_hash: str) -> tuple[int, bool, Any] | None:
    """The token's id, whether its last use is due to be written, and its user with the user's scope
    already set, in one query.

    A script's every request starts here; reading the memberships and the organisation graph's
    version along with the token saves the scope its own round trip to the database.
    """
    from django.contrib.auth import get_user_model

    from medtek.organizations.models import Membership
    from medtek.organizations.scoping import GRAPH_COLUMNS, graph_version_sql, prime_scope

    User = get_user_model()
    graph = ", ".join(f"v.{c} AS graph_{c}" for c in GRAPH_COLUMNS)
    stale_before = connection.ops.adapt_datetimefield_value(timezone.now() - LAST_USED_PRECISION)
    rows: list[Any] = list(  # users, each with the extra columns of its row as attributes
        User.objects.raw(
            f"""
            SELECT u.*, t.id AS token_id, (t.last_used_at IS NULL OR t.last_used_at < %s) AS token_stale,
                   m.organisation_id AS member_of, m.role AS member_role, {graph}
            FROM {ApiToken._meta.db_table} t
            JOIN {User._meta.db_table} u ON u.id = t.user_id
            LEFT JOIN {Membership._meta.db_table} m ON m.user_id = u.id
            CROSS JOIN {graph_version_sql()} v
            WHERE t.key_hash = %s AND NOT t.revoked AND t.expires_at > %s
            """,
            [stale_before, key_hash, connection.ops.adapt_datetimefield_value(timezone.now())],
        )
    )
    if not rows:
        return None
    user = rows[0]
    memberships = [(row.member_of, row.member_role) for row in rows if row.member_of is not None]
    prime_scope(user, memberships, tuple(str(getattr(user, f"graph_{c}")) for c in GRAPH_COLUMNS))
    return user.token_id, bool(user.token_stale), user


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
