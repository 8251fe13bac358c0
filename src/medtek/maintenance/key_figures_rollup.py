"""The key figures' kept months: FU and AU counts per customer and calendar month (KeyFigureMonth).

Why the maintenance services keep them, not database triggers: each kept count is computed by the very
filters the live figures use (maintenance.key_figures), by the ORM, so a definition exists once. Triggers
would need every definition written again in two SQL dialects (and "done on time" needs the local date
of a timestamp, which SQLite cannot compute without Django's functions). The price is that every write
of a work order must say so: the services do it where they write the work order's event (`_event`), the
bulk paths (the planning run, corrective work in bulk) after their `INSERT … SELECT`, and anything that
loads work orders outside the services (the benchmark, a restore) calls `rebuild()`. A test compares
the kept months with the live computation after every kind of change.

A month is recomputed whole (never incremented), after a lock on (customer, month) on PostgreSQL, so
two transactions changing the same customer's month one after the other both leave the right counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import BooleanField, Count, DurationField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from medtek.maintenance import key_figures as kf
from medtek.maintenance import rules
from medtek.maintenance.choices import WorkOrderKind
from medtek.maintenance.models import KeyFigureMonth, WorkOrder

Bucket = tuple[int, dt.date]  # (customer, first day of the month)
KEPT = (
    "pm_due",
    "pm_done",
    "pm_not_approved",
    "pm_done_on_time",
    "cm_count",
    "cm_response_settled",
    "cm_response_pending",
    "cm_response_within",
    "cm_resolution_settled",
    "cm_resolution_pending",
    "cm_resolution_within",
    "cm_repaired",
    "cm_repair_time",
)
ASSISTIVE = Coalesce(F("device__model__is_assistive"), Value(False), output_field=BooleanField())


def cm_kept_aggregates() -> dict[str, Any]:
    """The AU counts of a month that do not depend on the moment they are read."""
    repair = ExpressionWrapper(F("done_at") - F("reported_at"), output_field=DurationField())
    return {
        "cm_count": Count("pk"),
        "cm_response_settled": Count("pk", filter=kf.CM_RESPONSE_SETTLED),
        "cm_response_pending": Count("pk", filter=kf.CM_RESPONSE_PENDING),
        "cm_response_within": Count("pk", filter=kf.CM_RESPONSE_WITHIN),
        "cm_resolution_settled": Count("pk", filter=kf.CM_RESOLUTION_SETTLED),
        "cm_resolution_pending": Count("pk", filter=kf.CM_RESOLUTION_PENDING),
        "cm_resolution_within": Count("pk", filter=kf.CM_RESOLUTION_WITHIN),
        "cm_repaired": Count("pk", filter=kf.DONE),
        "cm_repair_time": Sum(repair, filter=kf.DONE),
    }


def month_of(value: dt.date | dt.datetime) -> dt.date:
    return kf._month(value)


def buckets_of(work_orders: Iterable[WorkOrder]) -> set[Bucket]:
    """The (customer, month) each FU or AU counts in."""
    out: set[Bucket] = set()
    for wo in work_orders:
        if wo.kind == WorkOrderKind.PM and wo.due_date is not None:
            out.add((wo.customer_id, month_of(wo.due_date)))
        elif wo.kind == WorkOrderKind.CM and wo.reported_at is not None:
            out.add((wo.customer_id, month_of(wo.reported_at)))
    return out


def _computed(
    pm_where: Q, cm_where: Q, work_orders: Any = None
) -> dict[tuple[int, dt.date, bool], dict[str, Any]]:
    rows: dict[tuple[int, dt.date, bool], dict[str, Any]] = {}
    model: Any = work_orders or WorkOrder
    base = model._default_manager.all()
    pm = (
        base.filter(kf.PM_COUNTED, pm_where, due_date__isnull=False)
        .annotate(m=TruncMonth("due_date"), a=ASSISTIVE)
        .values("customer_id", "m", "a")
        .annotate(**kf.pm_aggregates())
        .order_by()
    )
    cm = (
        base.filter(kf.CM_COUNTED, cm_where, reported_at__isnull=False)
        .annotate(m=TruncMonth("reported_at"), a=ASSISTIVE)
        .values("customer_id", "m", "a")
        .annotate(**cm_kept_aggregates())
        .order_by()
    )
    for query in (pm, cm):
        for r in query:
            key = (r.pop("customer_id"), month_of(r.pop("m")), bool(r.pop("a")))
            rows.setdefault(key, {}).update(r)
    return rows


def _write(rows: dict[tuple[int, dt.date, bool], dict[str, Any]], months: Any = None) -> None:
    model = months or KeyFigureMonth
    model._default_manager.bulk_create(
        [model(customer_id=c, month=m, assistive=a, **values) for (c, m, a), values in sorted(rows.items())],
        batch_size=1000,
    )


def _lock(buckets: list[Bucket]) -> None:
    """Serialise the recomputation of a month on PostgreSQL (SQLite has one writer at a time)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for customer_id, month in buckets:
            cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [customer_id, month.year * 100 + month.month])


@transaction.atomic
def refresh(buckets: Iterable[Bucket]) -> None:
    """Recompute these customers' months from their work orders (call it in the writing transaction)."""
    wanted = sorted(set(buckets))
    if not wanted:
        return
    _lock(wanted)
    by_month: dict[dt.date, list[int]] = {}
    for customer_id, month in wanted:
        by_month.setdefault(month, []).append(customer_id)
    pm_where, cm_where, kept = Q(pk__in=[]), Q(pk__in=[]), Q(pk__in=[])
    for month, customers in by_month.items():
        last = rules.add_months(month, 1) - dt.timedelta(days=1)
        pm_where |= Q(customer_id__in=customers) & kf.due_between(month, last)
        cm_where |= Q(customer_id__in=customers) & kf.reported_between(month, last)
        kept |= Q(customer_id__in=customers, month=month)
    rows = _computed(pm_where, cm_where)
    KeyFigureMonth.objects.filter(kept).delete()
    _write(rows)


def refresh_for(work_orders: Iterable[WorkOrder]) -> None:
    refresh(buckets_of(work_orders))


def refresh_where(where: Q) -> None:
    """Recompute the months of the work orders matching `where` (after a bulk write)."""
    rows = WorkOrder.objects.filter(where)
    found: set[Bucket] = set()
    for kind, field in ((WorkOrderKind.PM, "due_date"), (WorkOrderKind.CM, "reported_at")):
        months = rows.filter(kind=kind, **{f"{field}__isnull": False}).annotate(m=TruncMonth(field))
        found |= {
            (r["customer_id"], month_of(r["m"]))
            for r in months.values("customer_id", "m").order_by().distinct()
        }
    refresh(found)


@transaction.atomic
def rebuild(*, work_orders: Any = None, months: Any = None) -> int:
    """Recompute every kept month from all work orders; returns the rows written (a migration passes
    its own historical models)."""
    rows = _computed(Q(), Q(), work_orders)
    model: Any = months or KeyFigureMonth
    model._default_manager.all().delete()
    _write(rows, months)
    return len(rows)


def now_pending(*, user: Any, start: dt.date, end: dt.date, now: dt.datetime) -> dict[Bucket, dict[str, int]]:
    """AU reported in [start, end] waiting for a response or resolution whose target still lies ahead:
    kept as pending, not yet measured (a small read: only targets after `now`, by partial indexes)."""
    out: dict[Bucket, dict[str, int]] = {}
    response = kf.CM_RESPONSE_PENDING & Q(response_due_at__gte=now)
    resolution = kf.CM_RESOLUTION_PENDING & Q(resolution_due_at__gte=now)
    qs = kf.cm_reported_in(user=user, start=start, end=end).filter(response | resolution)
    grouped = qs.annotate(m=TruncMonth("reported_at")).values("customer_id", "m")
    grouped = grouped.annotate(
        cm_response_pending=Count("pk", filter=response), cm_resolution_pending=Count("pk", filter=resolution)
    )
    for r in grouped.order_by():
        out[(r["customer_id"], month_of(r["m"]))] = {
            "cm_response_pending": r["cm_response_pending"],
            "cm_resolution_pending": r["cm_resolution_pending"],
        }
    return out


def kept_months(
    *, user: Any, start: dt.date, end: dt.date, now: dt.datetime, customer_ids: list[int] | None
) -> list[tuple[int, dt.date, dict[str, Any]]]:
    """The figures of the whole months [start, end] from the kept rows, as (customer, month, counts) in
    the shape the live grouped queries give (response and resolution measured as of `now`)."""
    qs = KeyFigureMonth.objects.visible_to(user).filter(month__gte=start, month__lte=end)
    if customer_ids is not None:
        qs = qs.filter(customer_id__in=customer_ids)
    sums = {field: Sum(field) for field in KEPT}
    ahead = now_pending(user=user, start=start, end=rules.add_months(end, 1) - dt.timedelta(days=1), now=now)
    out = []
    rows = cast(Iterable[dict[str, Any]], qs.values("customer_id", "month").annotate(**sums).order_by())
    for r in rows:
        key = (r["customer_id"], r["month"])
        not_yet = ahead.get(key, {"cm_response_pending": 0, "cm_resolution_pending": 0})
        if customer_ids is not None and key[0] not in customer_ids:
            continue
        pm = {f: r[f] or 0 for f in ("pm_due", "pm_done", "pm_not_approved", "pm_done_on_time")}
        cm = {
            "cm_count": r["cm_count"] or 0,
            "cm_response_measured": (r["cm_response_settled"] or 0)
            + (r["cm_response_pending"] or 0)
            - not_yet["cm_response_pending"],
            "cm_response_within": r["cm_response_within"] or 0,
            "cm_resolution_measured": (r["cm_resolution_settled"] or 0)
            + (r["cm_resolution_pending"] or 0)
            - not_yet["cm_resolution_pending"],
            "cm_resolution_within": r["cm_resolution_within"] or 0,
            "cm_repaired": r["cm_repaired"] or 0,
            "cm_repair_time": r["cm_repair_time"],
        }
        out.append((key[0], key[1], {**pm, **cm}))
    return out
