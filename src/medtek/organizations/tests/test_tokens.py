"""API tokens: named, expiring, listed and revoked by command; only their hash is kept."""

from __future__ import annotations

import datetime as dt
import logging
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.utils import timezone

from medtek.organizations.models import ApiToken
from medtek.organizations.services import token_create


def _get(key: str) -> int:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/organisations").status_code


def _command(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_new_token_expires_after_the_configured_days_and_only_its_hash_is_kept(
    world: Any, settings: Any
) -> None:
    settings.MEDTEK = {**settings.MEDTEK, "TOKEN_DAYS": 30}
    token, key = token_create(username=world.admin.username, name="backup script")
    assert token.expires_at - token.created_at == pytest.approx(
        dt.timedelta(days=30), abs=dt.timedelta(seconds=5)
    )
    stored = ApiToken.objects.values_list("key_hash", flat=True).get(pk=token.pk)
    assert key not in stored
    assert stored == ApiToken.hash_key(key)


def test_an_expired_token_is_refused(world: Any, monkeypatch: Any) -> None:
    token, key = token_create(username=world.admin.username, name="old script")
    assert _get(key) == 200  # and now known to the process (organizations.auth's token cache)
    later = token.expires_at + dt.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert _get(key) == 401


def test_token_create_prints_the_key_once_with_its_expiry(world: Any) -> None:
    out, err = _command("create", world.admin.username, "--name", "nightly export")
    key = out.strip()
    assert key.startswith("mtk_")
    assert err.startswith("valid until ")
    assert _get(key) == 200
    assert ApiToken.objects.get().name == "nightly export"


def test_token_list_shows_each_token_without_its_key(world: Any) -> None:
    _token, key = token_create(username=world.admin.username, name="nightly export")
    out, _err = _command("list")
    assert key not in out
    (line,) = out.splitlines()
    prefix, user, name, expires, used, state = line.split("\t")
    assert (prefix, user, name, used, state) == (
        key[:8],
        world.admin.username,
        "nightly export",
        "last used never",
        "valid",
    )
    assert expires.startswith("expires ")


def test_token_revoke_ends_a_token_at_once(world: Any) -> None:
    _token, key = token_create(username=world.admin.username, name="leaked")
    out, _err = _command("revoke", key[:8])
    assert out.startswith(f"revoked {key[:8]}")
    assert _get(key) == 401
    assert _command("list")[0].rstrip().endswith("revoked")
    with pytest.raises(CommandError, match=f"Ingen enskild giltig token börjar med '{key[:8]}'"):
        _command("revoke", key[:8])


def test_a_token_whose_last_use_cannot_be_written_still_answers(world: Any, caplog: Any) -> None:
    """The last use is bookkeeping: a locked or read-only database must not fail the request."""
    token, key = token_create(username=world.admin.username, name="busy")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER token_locked BEFORE UPDATE ON organizations_apitoken "
                "BEGIN SELECT RAISE(ABORT, 'database is locked'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION token_locked() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'could not obtain lock' USING ERRCODE = '55P03'; END $$"
            )
            cursor.execute(
                "CREATE TRIGGER token_locked BEFORE UPDATE ON organizations_apitoken "
                "FOR EACH ROW EXECUTE FUNCTION token_locked()"
            )
    with caplog.at_level(logging.WARNING, logger="medtek.organizations.auth"):
        assert _get(key) == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is None
    assert f"last use of API token {token.pk} not written" in caplog.text
