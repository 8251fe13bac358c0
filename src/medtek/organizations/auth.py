"""API authentication: bearer tokens for scripts, the session for the browser."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, models
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from medtek.organizations.models import ApiToken


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = _token_user(ApiToken.hash_key(token))
        if found is None:
            return None
        token_id, last_used_at, user = found
        if not user.is_active:
            return None
        now = timezone.now()
        if last_used_at is None or (now - last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        request.user = user
        return user


def _token_user(key_hash: str) -> tuple[int, Any, Any] | None:
    """The token's id and last use, and its user with the user's scope already set, in one query.

    A script's every request starts here; reading the memberships and the organisation graph's
    fingerprint along with the token saves the scope its own round trip to the database.
    """
    from django.contrib.auth import get_user_model

    from medtek.organizations.models import Membership
    from medtek.organizations.scoping import graph_version_sql, prime_scope

    User = get_user_model()
    fields = list(User._meta.concrete_fields)
    columns = ", ".join(f"u.{connection.ops.quote_name(str(f.column))}" for f in fields)
    sql = f"""
        SELECT t.id, t.last_used_at, {columns}, m.organisation_id, m.role,
               v.n, v.changed, v.parents, v.links, v.link_sum
        FROM {ApiToken._meta.db_table} t
        JOIN {User._meta.db_table} u ON u.id = t.user_id
        LEFT JOIN {Membership._meta.db_table} m ON m.user_id = u.id
        CROSS JOIN {graph_version_sql()} v
        WHERE t.key_hash = %s AND NOT t.revoked
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [key_hash])
        rows = cursor.fetchall()
    if not rows:
        return None
    n = len(fields)
    first = rows[0]
    values = [_from_db(f, v) for f, v in zip(fields, first[2 : 2 + n], strict=True)]
    user = User.from_db(connection.alias, [f.attname for f in fields], values)
    memberships = [(row[2 + n], row[3 + n]) for row in rows if row[2 + n] is not None]
    prime_scope(user, memberships, tuple(str(value) for value in first[4 + n :]))
    return first[0], _from_db(ApiToken._meta.get_field("last_used_at"), first[1]), user


def _from_db(field: Any, value: Any) -> Any:
    """A raw column value as the ORM would give it (SQLite returns timestamps as text, booleans as 0/1)."""
    if value is None:
        return None
    if isinstance(field, models.DateTimeField) and (
        not isinstance(value, dt.datetime) or timezone.is_naive(value)
    ):
        return connection.ops.convert_datetimefield_value(value, None, connection)  # type: ignore[attr-defined]
    if isinstance(field, models.BooleanField):
        return bool(value)
    return value


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
