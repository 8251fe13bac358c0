"""Keyset pagination: a deep page costs what the first does, and counting never scans the table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None
    count: int | None  # None: not counted (the caller did not ask)
    count_exact: bool


# Cursors are signed: a client can only hand back one a list gave out, so its values never need checking
# against the columns they are compared with (a crafted one would otherwise reach the database).
_SIGNER = signing.Signer(salt="medtek.pagination.cursor")
BAD_CURSOR = "The cursor is not one this list gave out; start from the first page."


def _encode(values: list[Any], count: int | None, exact: bool, order: list[str], model: str) -> str:
    return _SIGNER.sign_object(
        {"k": [_plain(v) for v in values], "c": count, "e": exact, "o": order, "m": model}
    )


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _decode(cursor: str, order: list[str], model: str) -> dict[str, Any]:
    try:
        data = _SIGNER.unsign_object(cursor)
    except (signing.BadSignature, ValueError, UnicodeError) as exc:
        raise ValidationError({"cursor": BAD_CURSOR}) from exc
    if data.get("o") != order or data.get("m") != model:
        raise ValidationError(
            {"cursor": "The cursor does not fit this sort order; start from the first page."}
        )
    return dict(data)


def keyset_page(
    queryset: models.QuerySet[Any],
    *,
    order: list[str],
    cursor: str | None = None,
    limit: int | None = None,
    count_cap: int | None = None,
    count_queryset: models.QuerySet[Any] | None = None,
    with_count: bool = True,
) -> Page[Any]:
    """One page of `queryset` ordered by `order` (non-null fields; "-" for descending; "pk" is added).

    The count is computed on the first page only, up to `count_cap` rows (beyond that it is reported
    as not exact), and carried in the cursor so deeper pages never count again. It counts ids only, of
    `count_queryset` when given: the same rows without the joins a page's columns need. Without
    `with_count` nothing is counted and the page's count is None (and stays None on deeper pages).
    """
    if limit is not None and limit < 1:
        raise ValidationError({"limit": "A page holds at least one row."})
    limit = min(limit or settings.MEDTEK["PAGE_SIZE"], settings.MEDTEK["MAX_PAGE_SIZE"])
    count_cap = count_cap or settings.MEDTEK["LIST_COUNT_CAP"]
    if "pk" not in order and "-pk" not in order:
        order = [*order, "-pk" if order and order[0].startswith("-") else "pk"]
    fields = [o.lstrip("-") for o in order]
    model = queryset.model._meta.label
    if cursor:
        state = _decode(cursor, order, model)
        values = state["k"]
        count, exact = cursor_count(state)
        queryset = queryset.filter(_after(order, values))
    elif not with_count:
        count, exact = None, False
    else:
        ids = (queryset if count_queryset is None else count_queryset).order_by().values("pk")
        capped = ids[: count_cap + 1].count() if count_cap else ids.count()
        exact = capped <= count_cap
        count = min(capped, count_cap)
    rows = list(queryset.order_by(*order)[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if has_more and rows:
        last = rows[-1]
        next_cursor = _encode([_value(last, f) for f in fields], count, exact, order, model)
    return Page(items=rows, next_cursor=next_cursor, count=count, count_exact=exact)


def cursor_count(state: dict[str, Any]) -> tuple[int | None, bool]:
    """The count a cursor carries from its first page (None when that page was not counted)."""
    count = state.get("c", 0)
    return (None if count is None else int(count)), bool(state.get("e", True))


def _value(obj: Any, field: str) -> Any:
    if isinstance(obj, dict):
        return obj[field]
    current = obj
    for part in field.split("__"):
        current = getattr(current, part)
    return current


def _after(order: list[str], values: list[Any]) -> Q:
    """Rows strictly after `values` in `order`: (a > x) OR (a = x AND b > y) OR ..."""
    condition = Q()
    for i, term in enumerate(order):
        field = term.lstrip("-")
        op = "lt" if term.startswith("-") else "gt"
        clause = Q(**{f"{field}__{op}": values[i]})
        for j in range(i):
            clause &= Q(**{order[j].lstrip("-"): values[j]})
        condition |= clause
    # The same bound on the first field alone, which an index can seek to (the OR above it cannot).
    first = order[0].lstrip("-")
    return Q(**{f"{first}__{'lte' if order[0].startswith('-') else 'gte'}": values[0]}) & condition
