"""Request-wide behaviour: Swedish first, security headers, sliding sessions, and a database that cannot
take writes answered with 503 instead of 500."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import DatabaseError, InternalError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
logger = logging.getLogger(__name__)


class SwedishFirstLocaleMiddleware(LocaleMiddleware):
    """The pages speak Swedish unless the user picked another language with the switch (its cookie).

    A browser's Accept-Language does not decide: the staff of a Swedish region work in Swedish even on an
    English-language computer. Scripts calling the JSON API may still ask for English error messages with
    Accept-Language.
    """

    def process_request(self, request: HttpRequest) -> None:
        supported = {code for code, _name in settings.LANGUAGES}
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in supported:
            language = chosen
        elif request.path.startswith(API_PREFIX):
            language = translation.get_language_from_request(request)
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class ContentSecurityPolicyMiddleware:
    """Sends settings.CONTENT_SECURITY_POLICY with every response (Django 5.2 has no CSP of its own)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy: str = getattr(settings, "CONTENT_SECURITY_POLICY", "")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


SESSION_REFRESHED = "_medtek_refreshed"
SESSION_REFRESH_EVERY = 300  # seconds: how often a sliding session's new expiry is written


class SlidingSessionMiddleware:
    """A signed-in user's session lasts SESSION_COOKIE_AGE from the last use, not from the login.

    Writing the session on every request would cost a database write per page; the expiry is moved on
    at most every few minutes instead.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - int(session.get(SESSION_REFRESHED, 0)) >= SESSION_REFRESH_EVERY:
                session[SESSION_REFRESHED] = now  # marks the session modified: saved with a new expiry
        return self.get_response(request)


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_UNAVAILABLE_TEXT = (
    "readonly database",
    "read-only",
    "disk is full",
    "no space left",
    "is locked",
)
_UNAVAILABLE_SQLSTATES = {
    "25006",  # read_only_sql_transaction: a standby, or default_transaction_read_only
    "53100",  # disk_full
    "53200",  # out_of_memory
    "55P03",  # lock_not_available
    "57P03",  # cannot_connect_now
}


def writes_unavailable(exc: BaseException | None) -> bool:
    """Whether `exc`, or an error it arose from, says the database cannot take writes for now
    (read-only, full, locked longer than the timeout)."""
    for _depth in range(5):
        if exc is None:
            return False
        if isinstance(exc, OperationalError | InternalError):
            if getattr(exc.__cause__, "sqlstate", None) in _UNAVAILABLE_SQLSTATES:
                return True
            text = str(exc).lower()
            if any(part in text for part in _UNAVAILABLE_TEXT):
                return True
        exc = exc.__cause__ or exc.__context__
    return False


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON for the API, the product's page for a person."""
    message = _(
        "The database cannot take changes just now (it is read-only, full or busy). Nothing was saved; "
        "please try again in a little while."
    )
    retry = settings.MEDTEK["RETRY_AFTER_SECONDS"]
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"detail": str(message)}, status=503)
    else:
        response = render(request, "unavailable.html", {"message": message}, status=503)
    response["Retry-After"] = str(retry)
    return response


class WritesUnavailableMiddleware:
    """A write that finds the database read-only, full or locked answers 503 and Retry-After, never 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not writes_unavailable(exception):
            return None
        logger.warning(
            "database unavailable for writes on %s %s: %s", request.method, request.path, exception
        )
        return unavailable_response(request)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a read still answers when the database cannot store the session just now
    (a sliding expiry's refresh, say): the session is kept as it was. A write answers 503."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            return super().process_response(request, response)
        except (DatabaseError, SessionInterrupted) as exc:
            if not writes_unavailable(exc):
                raise
            logger.warning("session not saved on %s %s: %s", request.method, request.path, exc)
            if request.method in SAFE_METHODS:
                return response
            return unavailable_response(request)
