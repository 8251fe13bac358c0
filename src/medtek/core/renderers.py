"""The API's JSON renderer: orjson, falling back to ninja's (Django's) JSON encoder for what orjson would
write otherwise (datetimes as Django writes them, decimals as strings, lazy translations, models)."""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpRequest
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

_FALLBACK = NinjaJSONEncoder()
OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


def dumps(data: Any) -> bytes:
    """`data` as JSON bytes, written as ninja's JSON renderer writes them, by orjson."""
    return orjson.dumps(data, default=_FALLBACK.default, option=OPTIONS)


class ORJSONRenderer(BaseRenderer):
    media_type = "application/json"
    charset = "utf-8"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        return dumps(data)
