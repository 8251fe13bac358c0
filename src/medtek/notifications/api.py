"""The notifications API: my notifications, how many are unread, marking them read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from medtek.core.api import ErrorOut, InputSchema, PageQuery, page_body, page_schema
from medtek.core.pagination import keyset_page
from medtek.notifications import selectors, services

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    subject: str
    url: str
    state: str
    created_at: dt.datetime
    read_at: dt.datetime | None


NotificationPage = page_schema(NotificationOut, "NotificationPage")


class UnreadOut(Schema):
    unread: int


class ReadIn(InputSchema):
    ids: list[int] | None = None


@router.get("", response={200: NotificationPage, 422: ErrorOut})
def notification_list(request: HttpRequest, query: Query[PageQuery]) -> Any:
    page = keyset_page(
        selectors.notification_list(user=request.user),
        order=["-created_at", "-id"],
        cursor=query.cursor,
        limit=query.limit,
    )
    return page_body(page)


@router.get("/unread", response=UnreadOut)
def unread(request: HttpRequest) -> Any:
    return {"unread": selectors.unread_count(user=request.user)}


@router.post("/read", response={200: UnreadOut, 422: ErrorOut})
def mark_read(request: HttpRequest, payload: ReadIn) -> Any:
    services.notifications_mark_read(user=request.user, ids=payload.ids)
    return {"unread": selectors.unread_count(user=request.user)}
