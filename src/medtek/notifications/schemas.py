"""The notifications API's input and output schemas; `notifications/api.py` takes them from here."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from medtek.core.api import InputSchema, page_schema


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
