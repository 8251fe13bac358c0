"""Logging in: the lockout page after too many wrong passwords, and a log line for every attempt."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger("medtek.auth")


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer to a locked-out username + address: the login page's look, in Swedish."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"cooloff_minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def _address(request: HttpRequest | None) -> str:
    return "" if request is None else str(request.META.get("REMOTE_ADDR", ""))


def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    logger.info("login succeeded: user=%s address=%s", user.get_username(), _address(request))


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kw: Any
) -> None:
    # Only the username: Django has already masked the password, and it is never logged anyway.
    logger.warning("login failed: user=%s address=%s", credentials.get("username", ""), _address(request))


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="medtek-login-succeeded")
    user_login_failed.connect(_login_failed, dispatch_uid="medtek-login-failed")
