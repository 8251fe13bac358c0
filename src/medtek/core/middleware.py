"""Request language: Swedish first, English when the user chooses it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

API_PREFIX = "/api/"


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
