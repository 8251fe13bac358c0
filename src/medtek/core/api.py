"""Shared pieces of the JSON API: error bodies, page bodies and the exception handlers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import create_model

from medtek.core.pagination import Page


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """`{"items": [...], "count": N, "count_exact": bool, "next_cursor": str|None}` for `item`."""
    return create_model(  # type: ignore[call-overload,no-any-return]
        name,
        __base__=Schema,
        items=(list[item], ...),  # type: ignore[valid-type]
        count=(int, ...),
        count_exact=(bool, True),
        next_cursor=(str | None, None),
    )


def page_body(page: Page[Any]) -> dict[str, Any]:
    return {
        "items": page.items,
        "count": page.count,
        "count_exact": page.count_exact,
        "next_cursor": page.next_cursor,
    }


def validation_errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            ("__all__" if k == "__all__" else k): [str(m) for m in v] for k, v in exc.message_dict.items()
        }
    return {"__all__": [str(m) for m in exc.messages]}


def install_exception_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = validation_errors(exc)
        first = next(iter(errors.values()))[0] if errors else "Invalid input"
        return api.create_response(request, {"detail": first, "errors": errors}, status=422)

    @api.exception_handler(NinjaValidationError)
    def on_schema(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for err in exc.errors:
            loc = [
                str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "payload", "form")
            ]
            errors.setdefault(".".join(loc) or "__all__", []).append(str(err.get("msg", "invalid")))
        first_field, msgs = next(iter(errors.items()), ("__all__", ["Invalid input"]))
        return api.create_response(
            request, {"detail": f"{first_field}: {msgs[0]}", "errors": errors}, status=422
        )

    @api.exception_handler(Http404)
    def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
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
