"""Logging in: throttled and locked out after wrong passwords, and every attempt logged."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "a long right password"
LOCKED = (
    "För många felaktiga lösenord i rad. Inloggning som den här användaren från den här adressen är "
    "spärrad i 15 minuter; försök igen senare eller kontakta din administratör."
)


@pytest.fixture
def anna() -> Any:
    return get_user_model().objects.create_user("anna", password=PASSWORD)


def _login(client: Client, password: str) -> Any:
    return client.post("/login/", {"username": "anna", "password": password})


def test_ten_wrong_passwords_lock_the_user_out_even_with_the_right_one(anna: Any) -> None:
    client = Client()
    answers = [_login(client, f"wrong {i}").status_code for i in range(10)]
    assert answers == [200] * 9 + [429]
    right = _login(client, PASSWORD)
    assert right.status_code == 429
    assert LOCKED in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_nine_wrong_passwords_then_the_right_one_logs_in_and_starts_the_count_again(anna: Any) -> None:
    client = Client()
    for i in range(9):
        _login(client, f"wrong {i}")
    assert _login(client, PASSWORD).status_code == 302
    client.post("/logout/")
    assert [_login(client, f"again {i}").status_code for i in range(9)] == [200] * 9


def test_the_lockout_is_for_the_username_from_that_address_only(anna: Any) -> None:
    for i in range(10):
        _login(Client(REMOTE_ADDR="10.0.0.1"), f"wrong {i}")
    assert _login(Client(REMOTE_ADDR="10.0.0.2"), PASSWORD).status_code == 302


def test_failed_and_successful_logins_are_logged_without_the_password(
    anna: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client()
    with caplog.at_level(logging.INFO, logger="medtek.auth"):
        _login(client, "not it")
        _login(client, PASSWORD)
    lines = [r.getMessage() for r in caplog.records if r.name == "medtek.auth"]
    assert lines == [
        "login failed: user=anna address=127.0.0.1",
        "login succeeded: user=anna address=127.0.0.1",
    ]
    assert "not it" not in caplog.text
    assert PASSWORD not in caplog.text
