"""Key figures: one definition of each figure, read set-based for every customer at once.

The key-figures page, the API, the agreement follow-up and the benchmark all read these functions, so
"overdue FU" or "FU done on time" means the same everywhere (definitions in docs/maintenance.md).
Every figure is one grouped query over all customers, never a query per customer or per device.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from medtek.inventory.choices import DeviceStatus
from medtek.inventory.models import DeviceCount
from medtek.inventory.rules import LEFT_REGISTER
from medtek.maintenance import rules
from medtek.maintenance.choices import WorkOrderKind, WorkOrderStatus
from medtek.maintenance.models import CMPriority, DevicePMState, WorkOrder
from medtek.organizations.models import Organisation
from medtek.organizations.rules import Cap

OPEN = sorted(rules.OPEN_STATUSES)
MAX_CHART_MONTHS = 60  # the page draws one bar group per month
COUNTS = (
    "devices",
    "blocked_devices",
    "pm_due",
    "pm_done",
    "pm_not_approved",
    "pm_done_on_time",
    "pm_overdue",
    "cm_count",
    "cm_response_measured",
    "cm_response_within",
    "cm_resolution_measured",
    "cm_resolution_within",
    "cm_repaired",
)

# --- the definitions, as filters -------------------------------------------------------------

DONE = Q(done_at__isnull=False)
# Done by the due date and approved: an FU whose check failed is done, yet not done on time.
PM_DONE_ON_TIME = DONE & Q(done_at__date__lte=F("due_date")) & ~Q(approved=False)
PM_NOT_APPROVED = DONE & Q(approved=False)
CM_RESPONSE_WITHIN = Q(accepted_at__isnull=False, response_due_at__isnull=False) & Q(
    accepted_at__lte=F("response_due_at")
)
CM_RESOLUTION_WITHIN = Q(done_at__isnull=False, resolution_due_at__isnull=False) & Q(
    done_at__lte=F("resolution_due_at")
)


# A target that was met or missed (it happened), and one still waiting for it (measured once passed).
CM_RESPONSE_SETTLED = Q(response_due_at__isnull=False, accepted_at__isnull=False)
CM_RESPONSE_PENDING = Q(response_due_at__isnull=False, accepted_at__isnull=True)
CM_RESOLUTION_SETTLED = Q(resolution_due_at__isnull=False, done_at__isnull=False)
CM_RESOLUTION_PENDING = Q(resolution_due_at__isnull=False, done_at__isnull=True)


def cm_response_measured(now: dt.datetime) -> Q:
    """A response is measured once it happened or its target has passed."""
    return CM_RESPONSE_SETTLED | (CM_RESPONSE_PENDING & Q(response_due_at__lt=now))


def cm_resolution_measured(now: dt.datetime) -> Q:
    return CM_RESOLUTION_SETTLED | (CM_RESOLUTION_PENDING & Q(resolution_due_at__lt=now))


def device_counts(*, user: Any, customer_ids: Iterable[int] | None = None) -> dict[int, dict[str, int]]:
    """Devices per owner and status as the user sees them, from the kept counts (inventory.kept_counts):
    a few hundred rows, whatever the size of the register."""
    kept = _scoped(DeviceCount.objects.visible_to(user), "owner_id", customer_ids).filter(n__gt=0)
    counts: dict[int, dict[str, int]] = {}
    for r in kept.values("owner_id", "status").annotate(total=Sum("n")).order_by():
        counts.setdefault(r["owner_id"], {})[r["status"]] = int(r["total"])
    return counts


def pm_states_in_register(*, user: Any) -> QuerySet[DevicePMState]:
    """The PM clocks of the devices still in the register (the FU page and the key figures share it).

    The device's owner, register status and assistive flag are kept on the clock by triggers
    (`maintenance.kept_clocks`), so this reads the clocks alone (index `pmstate_in_register_due`)."""
    return DevicePMState.objects.visible_to(user).filter(in_register=True)


def pm_overdue_filter(today: dt.date) -> Q:
    """Overdue FU: the next due date lies before today."""
    return Q(next_due__isnull=False, next_due__lt=today)


# The FU and AU the figures count (cancelled work does not): FU by its due date, AU by when reported.
PM_COUNTED = Q(kind=WorkOrderKind.PM) & ~Q(status=WorkOrderStatus.CANCELLED)
CM_COUNTED = Q(kind=WorkOrderKind.CM) & ~Q(status=WorkOrderStatus.CANCELLED)


def due_between(start: dt.date, end: dt.date) -> Q:
    return Q(due_date__gte=start, due_date__lte=end)


def reported_between(start: dt.date, end: dt.date) -> Q:
    """Reported on the days [start, end], local time."""
    tz = timezone.get_current_timezone()
    return Q(
        reported_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        reported_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def pm_due_in(*, user: Any, start: dt.date, end: dt.date) -> QuerySet[WorkOrder]:
    """FU work orders due in the period [start, end] (cancelled ones do not count)."""
    return WorkOrder.objects.visible_to(user).filter(PM_COUNTED, due_between(start, end))


def cm_reported_in(*, user: Any, start: dt.date, end: dt.date) -> QuerySet[WorkOrder]:
    """AU work orders reported in the period [start, end] (cancelled ones do not count)."""
    return WorkOrder.objects.visible_to(user).filter(CM_COUNTED, reported_between(start, end))


def pm_aggregates() -> dict[str, Any]:
    return {
        "pm_due": Count("pk"),
        "pm_done": Count("pk", filter=DONE),
        "pm_not_approved": Count("pk", filter=PM_NOT_APPROVED),
        "pm_done_on_time": Count("pk", filter=PM_DONE_ON_TIME),
    }


def cm_aggregates(now: dt.datetime) -> dict[str, Any]:
    repair = ExpressionWrapper(F("done_at") - F("reported_at"), output_field=DurationField())
    return {
        "cm_count": Count("pk"),
        "cm_response_measured": Count("pk", filter=cm_response_measured(now)),
        "cm_response_within": Count("pk", filter=CM_RESPONSE_WITHIN),
        "cm_resolution_measured": Count("pk", filter=cm_resolution_measured(now)),
        "cm_resolution_within": Count("pk", filter=CM_RESOLUTION_WITHIN),
        "cm_repaired": Count("pk", filter=DONE),
        "cm_repair_time": Sum(repair, filter=DONE),
    }


# --- rates from counts -----------------------------------------------------------------------


def with_rates(row: dict[str, Any]) -> dict[str, Any]:
    """Add the rates and the mean time to repair, from the counts (a total row gets them the same way)."""
    repair: dt.timedelta = row.get("cm_repair_time") or dt.timedelta(0)
    row["pm_completion_rate"] = rules.percent(row["pm_done_on_time"], row["pm_due"])
    row["cm_response_rate"] = rules.percent(row["cm_response_within"], row["cm_response_measured"])
    row["cm_resolution_rate"] = rules.percent(row["cm_resolution_within"], row["cm_resolution_measured"])
    row["mttr_hours"] = (
        (Decimal(repair.total_seconds()) / 3600 / row["cm_repaired"]).quantize(Decimal("0.1"))
        if row["cm_repaired"]
        else None
    )
    return row


def _empty(customer_id: int) -> dict[str, Any]:
    return {"customer_id": customer_id, "customer": "", **dict.fromkeys(COUNTS, 0), "cm_repair_time": None}


def _accumulate(row: dict[str, Any], values: dict[str, Any]) -> None:
    for key, value in values.items():
        if key == "cm_repair_time":
            if value is not None:
                row[key] = (row[key] or dt.timedelta(0)) + value
        else:
            row[key] += value


def _scoped(qs: QuerySet[Any], field: str, customer_ids: Iterable[int] | None) -> QuerySet[Any]:
    return qs if customer_ids is None else qs.filter(**{f"{field}__in": list(customer_ids)})


# --- the table -------------------------------------------------------------------------------


def by_customer(
    *,
    user: Any,
    start: dt.date,
    end: dt.date,
    customer_ids: Iterable[int] | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Every figure for every customer the user may see, with a total row (five queries in all)."""
    if end < start:
        raise ValidationError({"end": _("The period ends before it starts.")})
    today = today or timezone.localdate()
    now = now or timezone.now()
    ids = None if customer_ids is None else list(customer_ids)
    rows: dict[int, dict[str, Any]] = {}

    def add(customer_id: int, values: dict[str, Any]) -> None:
        rows.setdefault(customer_id, _empty(customer_id)).update(values)

    status_counts = device_counts(user=user, customer_ids=ids)
    for owner, counts in status_counts.items():
        in_register = sum(n for status, n in counts.items() if status not in LEFT_REGISTER)
        add(owner, {"devices": in_register, "blocked_devices": counts.get(DeviceStatus.BLOCKED, 0)})
    states = _scoped(pm_states_in_register(user=user), "owner_id", ids)
    states = states.filter(pm_overdue_filter(today))
    # COUNT(*), not of a column: the count reads the index `pmstate_in_register_due` alone.
    for r in states.values("owner_id").annotate(n=Count("*")).order_by():
        add(r["owner_id"], {"pm_overdue": r["n"]})
    # FU and AU by customer and month: the table sums the months, the charts the customers. Whole
    # months come from the kept months (maintenance.key_figures_rollup), a month cut by the period's
    # start or end is read live from its work orders with the same filters.
    from medtek.maintenance import key_figures_rollup as rollup

    kept_start, kept_end, cut = whole_months(start, end)
    monthly = (
        []
        if kept_start is None
        else rollup.kept_months(user=user, start=kept_start, end=kept_end, now=now, customer_ids=ids)
    )
    if cut:
        pm_cut = Q(pk__in=[])
        cm_cut = Q(pk__in=[])
        for s, e in cut:
            pm_cut |= due_between(s, e)
            cm_cut |= reported_between(s, e)
        pm = _scoped(pm_due_in(user=user, start=start, end=end).filter(pm_cut), "customer_id", ids)
        pm = pm.annotate(m=TruncMonth("due_date")).values("customer_id", "m").annotate(**pm_aggregates())
        cm = _scoped(cm_reported_in(user=user, start=start, end=end).filter(cm_cut), "customer_id", ids)
        cm = cm.annotate(m=TruncMonth("reported_at")).values("customer_id", "m")
        for query in (pm, cm.annotate(**cm_aggregates(now))):
            for r in query.order_by():
                monthly.append((r.pop("customer_id"), _month(r.pop("m")), r))
    for customer_id, _m, values in monthly:
        _accumulate(rows.setdefault(customer_id, _empty(customer_id)), values)
    names = dict(Organisation.objects.filter(pk__in=list(rows)).values_list("pk", "name"))
    ordered = sorted(rows.values(), key=lambda r: (names.get(r["customer_id"], ""), r["customer_id"]))
    total = _empty(0)
    for row in ordered:
        row["customer"] = names.get(row["customer_id"], "")
        row["statuses"] = status_counts.get(row["customer_id"], {})
        for key in COUNTS:
            total[key] += row[key]
        if row["cm_repair_time"] is not None:
            total["cm_repair_time"] = (total["cm_repair_time"] or dt.timedelta(0)) + row["cm_repair_time"]
        with_rates(row)
    return {
        "start": start,
        "end": end,
        "today": today,
        "rows": ordered,
        "total": with_rates(total),
        "monthly": monthly,
    }


# --- charts' series --------------------------------------------------------------------------


def whole_months(
    start: dt.date, end: dt.date
) -> tuple[dt.date | None, dt.date, list[tuple[dt.date, dt.date]]]:
    """Split [start, end] into its whole months (first days from, to) and the cut days before and after."""
    first = start if start.day == 1 else rules.add_months(start.replace(day=1), 1)
    after_last = rules.add_months(end.replace(day=1), 1)
    last = (
        end.replace(day=1)
        if end == after_last - dt.timedelta(days=1)
        else rules.add_months(end.replace(day=1), -1)
    )
    if first > last:
        return None, end, [(start, end)]
    cut = []
    if start < first:
        cut.append((start, first - dt.timedelta(days=1)))
    end_of_last = rules.add_months(last, 1) - dt.timedelta(days=1)
    if end > end_of_last:
        cut.append((end_of_last + dt.timedelta(days=1), end))
    return first, last, cut


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of each month the period touches."""
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = rules.add_months(day, 1)
    return months


def _month(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def by_month(table: dict[str, Any], *, customer_id: int | None = None) -> list[dict[str, Any]]:
    """FU completion and AU response/resolution within target, month by month, from the table's own
    grouped rows (no query): for the department, or for one customer."""
    series = {
        m: {"month": m, **dict.fromkeys(COUNTS, 0), "cm_repair_time": None}
        for m in months_between(table["start"], table["end"])
    }
    for customer, month, values in table["monthly"]:
        if customer_id is None or customer == customer_id:
            _accumulate(series[month], values)
    return [with_rates(row) for row in series.values()]


def backlog(*, user: Any, customer_ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    """Open work now, by priority (AU by its priority level; FU as one row; untriaged last).

    The open work orders are counted by kind and priority id alone, so the count reads the partial index
    `wo_open_kind_priority` only; the few priorities are read by id after (two queries)."""
    ids = None if customer_ids is None else list(customer_ids)
    qs = _scoped(WorkOrder.objects.visible_to(user).filter(status__in=OPEN), "customer_id", ids)
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    counted = list(qs.values("kind", "priority_id").annotate(n=Count("*")).order_by())
    used = {r["priority_id"] for r in counted if r["priority_id"] is not None}
    levels = {p.pk: p for p in CMPriority.objects.filter(pk__in=sorted(used))} if used else {}
    for r in counted:
        level = levels.get(r["priority_id"])
        if level is not None:
            key, label = (0, level.rank or 0), f"{level.code} {level.name}"
        elif r["kind"] == WorkOrderKind.PM:
            key, label = (1, 0), _("PM")
        else:
            key, label = (2, 0), _("Not triaged")
        row = rows.setdefault((key[0], str(key[1]).zfill(6) + label), {"label": label, "n": 0})
        row["n"] += r["n"]
    return [rows[k] for k in sorted(rows)]


# --- the page --------------------------------------------------------------------------------


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """This year to date: what a department follows up."""
    return today.replace(month=1, day=1), today


def last_twelve_months(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last twelve whole months: from the first of the month a year before this one to the last day
    of the previous month (on 2 December 2026: 1 December 2025 – 30 November 2026). Whole months only, so
    the figures come from the kept months and two reports of the same month agree."""
    this_month = today.replace(day=1)
    return rules.add_months(this_month, -12), this_month - dt.timedelta(days=1)


def overview(*, user: Any, start: dt.date, end: dt.date, customer_id: int | None = None) -> dict[str, Any]:
    """The key-figures page: all customers with a total row, and the chart series for the whole
    department or for one chosen customer (a fixed number of queries, whatever the size)."""
    if end < start:
        raise ValidationError({"end": _("The period ends before it starts.")})
    if len(months_between(start, min(end, rules.add_months(start, MAX_CHART_MONTHS + 1)))) > MAX_CHART_MONTHS:
        raise ValidationError({"start": _("Choose a period of at most five years.")})
    table = by_customer(user=user, start=start, end=end)
    chosen = None
    if customer_id is not None:
        chosen = next((r for r in table["rows"] if r["customer_id"] == customer_id), None)
        if chosen is None:
            org = Organisation.objects.get_visible(user, Cap.VIEW, pk=customer_id)
            chosen = with_rates({**_empty(org.pk), "customer": org.name, "statuses": {}})
    scope = None if customer_id is None else [customer_id]
    return {
        **table,
        "chosen": chosen,
        "months": by_month(table, customer_id=customer_id),
        "backlog": backlog(user=user, customer_ids=scope),
    }
