"""What a security review checks: deploy settings, the Content-Security-Policy, sliding sessions."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

import medtek

PACKAGE = Path(medtek.__file__).parent


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "medtek.config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "MEDTEK_PATIENT_KEY": secrets.token_urlsafe(40),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'medtek.sqlite3'}",
        "ALLOWED_HOSTS": "medtek.region.example",
    }
    done = subprocess.run(
        [sys.executable, "-m", "medtek", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "System check identified no issues (0 silenced).\n"


def test_production_settings_refuse_to_start_without_a_secret(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(DJANGO_SETTINGS_MODULE="medtek.config.settings.production", DATABASE_URL="sqlite:///x")
    done = subprocess.run(
        [sys.executable, "-m", "medtek", "check"], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert "SECRET_KEY must be set in production" in done.stderr


def test_production_settings_refuse_to_start_without_a_patient_key() -> None:
    env = {k: v for k, v in os.environ.items() if k != "MEDTEK_PATIENT_KEY"}
    env.update(
        DJANGO_SETTINGS_MODULE="medtek.config.settings.production",
        DATABASE_URL="sqlite:///x",
        SECRET_KEY=secrets.token_urlsafe(50),
    )
    done = subprocess.run(
        [sys.executable, "-m", "medtek", "check"], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert "MEDTEK_PATIENT_KEY (at least 32 characters) must be set in production" in done.stderr


@pytest.mark.django_db
def test_every_page_carries_a_content_security_policy_without_inline_script() -> None:
    response = Client().get("/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_ATTRIBUTE = re.compile(r"\s(on[a-z]+|hx-on[:\w-]*)\s*=", re.I)


def test_no_template_has_an_inline_script_or_event_handler() -> None:
    """The policy forbids inline script: every page's script is a static file."""
    found = []
    for template in sorted(PACKAGE.rglob("templates/**/*.html")):
        if "/mail/" in template.as_posix():
            continue  # e-mail bodies, never served as pages: mail clients need their inline styles
        text = template.read_text()
        for pattern in (INLINE_SCRIPT, EVENT_ATTRIBUTE, re.compile(r"\sstyle=", re.I)):
            found += [
                f"{template.relative_to(PACKAGE)}: {m.group(0).strip()}" for m in pattern.finditer(text)
            ]
    assert found == []


def test_sessions_last_a_working_day_and_cookies_are_http_only() -> None:
    assert settings.SESSION_COOKIE_AGE == 9 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY is True


@pytest.mark.django_db
def test_a_session_slides_with_use_but_is_written_at_most_every_few_minutes(django_user_model: Any) -> None:
    from django.contrib.sessions.models import Session

    client = Client()
    client.force_login(django_user_model.objects.create_user("eva"))
    client.get("/organisations/")  # the first use after the login writes the new expiry
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    first = Session.objects.get(session_key=key).expire_date
    earlier = first - dt.timedelta(hours=1)
    Session.objects.filter(session_key=key).update(expire_date=earlier)
    response = client.get("/organisations/")
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # not rewritten within minutes
    assert Session.objects.get(session_key=key).expire_date == earlier
    session = client.session
    session["_medtek_refreshed"] = 0  # as if the last refresh was long ago
    session.save()
    response = client.get("/organisations/")
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 9 * 3600
    assert Session.objects.get(session_key=key).expire_date > earlier
