"""The notifications API: my notifications, how many are unread, marking them read."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from medtek.core.api import ErrorOut, PageQuery, page_body
from medtek.core.pagination import keyset_page
from medtek.notifications import selectors, services
from medtek.notifications.schemas import (
    NotificationPage,
    ReadIn,
    UnreadOut,
)

router = Router(tags=["notifications"])


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
