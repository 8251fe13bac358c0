"""Shared pieces of the JSON API: input and page schemas, error bodies and the exception handlers.

The contract: every write body is an `InputSchema` (an unknown field is refused, not ignored), every
list takes a `PageQuery`, and every bad input answers 422 with the field named — never a 500.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from decimal import Decimal
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    ObjectDoesNotExist,
    PermissionDenied,
    SuspiciousOperation,
    ValidationError,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import BaseModel, ConfigDict, create_model, field_validator
from pydantic_core import PydanticCustomError

from medtek.core.errors import messages_by_field
from medtek.core.middleware import unavailable_response, writes_unavailable
from medtek.core.pagination import Page

logger = logging.getLogger("django.request")

# Dates outside this range are typing errors (0001-01-01, 20260-03-01), refused before they reach a rule.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
# The largest id a database row can have (a 64-bit integer): a larger one cannot name anything.
MAX_ID = 2**63 - 1


def sane_value(value: Any) -> Any:
    """`value` when every text, date and number in it is one a database can hold; else a pydantic error.

    Text with a NUL character (PostgreSQL cannot store it, SQLite would), dates outside 1900-2100 and
    numbers that are not finite (NaN, infinity) are refused, in nested lists and dicts too.
    """
    if isinstance(value, str):
        if "\x00" in value:
            raise PydanticCustomError("nul_character", _("Text may not contain a NUL character (\\u0000)."))
    elif isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            raise PydanticCustomError(
                "date_out_of_range",
                _("Enter a date between {earliest} and {latest}."),
                {"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
            )
    elif isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > MAX_ID:
            raise PydanticCustomError("int_too_large", _("The number is too large."))
    elif isinstance(value, Decimal | float):
        finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
        if not finite:
            raise PydanticCustomError("finite_number", _("Enter a finite number."))
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            sane_value(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            sane_value(key)
            sane_value(item)
    return value


class QueryInput(Schema):
    """Base of every query-string schema: its values checked like a body's (unknown parameters pass)."""

    model_config = ConfigDict(allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _sane(cls, value: Any) -> Any:
        return value if isinstance(value, BaseModel) else sane_value(value)


class InputSchema(QueryInput):
    """Base of every write body: a field the operation does not know is refused (422 naming it)."""

    model_config = ConfigDict(extra="forbid")


class PageQuery(QueryInput):
    """The one page input of every list: a cursor it gave out and a page size within bounds."""

    cursor: str | None = Field(None, max_length=2000, description="next_cursor of the previous page")
    limit: int = Field(settings.MEDTEK["PAGE_SIZE"], ge=1, le=settings.MEDTEK["MAX_PAGE_SIZE"])


# Kronor with öre, as MoneyField stores them (14 digits, 2 after the point).
Money = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]
MONEY_LIMIT = Decimal(10) ** 12


def money_product(quantity: Decimal | None, price: Decimal) -> Decimal:
    """`price` when quantity × price fits a money column (an invoice line's amount); else a pydantic error."""
    if quantity is not None and abs(quantity * price) >= MONEY_LIMIT:
        raise PydanticCustomError(
            "amount_too_large",
            _("Quantity × unit price must stay below {limit} kr."),
            {"limit": f"{MONEY_LIMIT:,.0f}".replace(",", " ")},
        )
    return price


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


def page_schema(item: type[Schema], name: str, *, count_on_request: bool = False) -> type[Schema]:
    """`{"items": [...], "count": N, "count_exact": bool, "next_cursor": str|None}` for `item`; with
    `count_on_request` the count is null unless the list was asked to count (`count=true`)."""
    count: Any = (int | None, Field(..., description=COUNT_ON_REQUEST)) if count_on_request else (int, ...)
    return create_model(  # type: ignore[call-overload,no-any-return]
        name,
        __base__=Schema,
        items=(list[item], ...),  # type: ignore[valid-type]
        count=count,
        count_exact=(bool, True),
        next_cursor=(str | None, None),
    )


COUNT_ON_REQUEST = (
    "The matching rows, up to the list's cap (count_exact false beyond it): counted on the first page "
    "when it is asked with count=true, and carried by its cursor to the next pages; null otherwise."
)


def page_body(page: Page[Any]) -> dict[str, Any]:
    return {
        "items": page.items,
        "count": page.count,
        "count_exact": page.count_exact,
        "next_cursor": page.next_cursor,
    }


# Where ninja says a parameter came from, and the names the handlers give their parameters: not fields.
_PARAM_LOCATIONS = {"body", "query", "path", "payload", "form", "filters", "header", "cookie", "file"}


# Pydantic words its errors in English; the ones a person meets when typing a date get the product's words.
_DATE_ERRORS = {"date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"}
_DATETIME_ERRORS = {
    "datetime_type",
    "datetime_parsing",
    "datetime_from_date_parsing",
    "datetime_object_invalid",
}


def _schema_message(err: dict[str, Any]) -> str:
    kind = err.get("type")
    if kind == "extra_forbidden":
        return _("Unknown field: this operation does not take it.")
    if kind in _DATE_ERRORS:
        return _("Enter a date as YYYY-MM-DD.")
    if kind in _DATETIME_ERRORS:
        return _("Enter a date and time as YYYY-MM-DDTHH:MM.")
    return str(err.get("msg", "invalid"))


def install_exception_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = messages_by_field(exc)
        first = next(iter(errors.values()))[0] if errors else "Invalid input"
        return api.create_response(request, {"detail": first, "errors": errors}, status=422)

    @api.exception_handler(NinjaValidationError)
    def on_schema(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for err in exc.errors:
            loc = [str(p) for p in err.get("loc", ()) if p not in _PARAM_LOCATIONS]
            errors.setdefault(".".join(loc) or "__all__", []).append(_schema_message(err))
        first_field, msgs = next(iter(errors.items()), ("__all__", ["Invalid input"]))
        return api.create_response(
            request, {"detail": f"{first_field}: {msgs[0]}", "errors": errors}, status=422
        )

    @api.exception_handler(Exception)
    def on_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # With DEBUG on, Django's technical page helps; in production a client gets JSON like every
        # other error, and the traceback goes to the log (and the admins' mail) as Django's would.
        if writes_unavailable(exc):  # read-only, full or locked: 503 with Retry-After, as on the pages
            return unavailable_response(request)
        if settings.DEBUG:
            raise exc
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exc,
            extra={"status_code": 500, "request": request},
        )
        return api.create_response(
            request,
            {"detail": _("Something went wrong on the server; it has been logged."), "errors": {}},
            status=500,
        )

    @api.exception_handler(BadRequest)
    @api.exception_handler(SuspiciousOperation)
    @api.exception_handler(MultiPartParserError)
    def on_400(request: HttpRequest, exc: Exception) -> HttpResponse:
        # What Django itself answers 400 for (a malformed or oversized upload, a suspicious request).
        return api.create_response(request, {"detail": str(exc) or "Bad request", "errors": {}}, status=400)

    @api.exception_handler(Http404)
    @api.exception_handler(ObjectDoesNotExist)  # a lookup by an id from the path that names nothing
    def on_404(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(request, {"detail": "Not found", "errors": {}}, status=404)

    @api.exception_handler(PermissionDenied)
    def on_403(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(
            request, {"detail": str(exc) or "You may not do this", "errors": {}}, status=403
        )

    @api.exception_handler(AuthenticationError)
    def on_401(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            {"detail": "Log in, or send a token as 'Authorization: Bearer TOKEN'", "errors": {}},
            status=401,
        )
