"""API input and output of the reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from medtek.core.api import QueryInput


class FollowupRow(Schema):
    customer_id: int
    customer: str
    devices: int
    pm_done: int
    pm_on_time: int
    cm: int
    hours: Decimal
    billable_hours: Decimal
    travel: Decimal
    materials: Decimal
    fixed: Decimal
    variable: Decimal


class FollowupOut(Schema):
    agreement_id: int
    year: int
    count_day: dt.date
    rows: list[FollowupRow]


class FollowupQuery(QueryInput):
    agreement_id: int
    year: int = Field(..., ge=1900, le=2100)
