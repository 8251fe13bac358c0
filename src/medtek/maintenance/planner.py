"""The PM planner's set-based SQL (portable between SQLite and PostgreSQL).

Called by `services.plan_maintenance` (which checks the user and writes the event); nothing here
loops over devices in Python.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection
from django.utils import timezone

from medtek.core.dates import add_months_sql
from medtek.inventory.choices import DeviceStatus, MaintenanceResponsibility
from medtek.inventory.models import Device, DeviceModel
from medtek.inventory.rules import LEFT_REGISTER
from medtek.maintenance import kept_clocks, rules
from medtek.maintenance.choices import WatchStatus, WorkOrderKind, WorkOrderStatus
from medtek.maintenance.models import DevicePMState, PMClass, WatchItem, WorkOrder
from medtek.organizations.models import Location
from medtek.organizations.querysets import any_of_sql

# Devices that still stand somewhere and get PM.
NOT_PLANNED = sorted(set(LEFT_REGISTER) | {DeviceStatus.SURPLUS, DeviceStatus.IN_STOCK})

EM = "(m.function_score + m.physical_risk_score + m.maintenance_need_score)"

# The tables the statements read and write, as the models name them.
DEVICE = Device._meta.db_table
MODEL = DeviceModel._meta.db_table
STATE = DevicePMState._meta.db_table
PM_CLASS = PMClass._meta.db_table
WORK_ORDER = WorkOrder._meta.db_table
WATCH_ITEM = WatchItem._meta.db_table
LOCATION = Location._meta.db_table


# Any number that is the planner's own: concurrent runs on PostgreSQL queue on it (SQLite's write lock
# already serialises them).
PLAN_LOCK = 62353


def lock_planning() -> None:
    """Hold the planning lock until the transaction ends, so concurrent runs plan one after another."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [PLAN_LOCK])


def _last_done_join(last_done: Mapping[str, dt.date] | None) -> tuple[str, list[Any]]:
    """A join of the last PM dates given per asset number (from an import), sent as one JSON value."""
    if not last_done:
        return "", []
    document = json.dumps({asset: day.isoformat() for asset, day in last_done.items()})
    if connection.vendor == "postgresql":
        rows = "SELECT key AS asset_number, CAST(value AS date) AS last_done FROM jsonb_each_text(%s::jsonb)"
    else:
        rows = "SELECT key AS asset_number, value AS last_done FROM json_each(%s)"
    return f" LEFT JOIN ({rows}) p ON p.asset_number = d.asset_number", [document]


def sync_pm_states(
    *,
    device_ids: Sequence[int] | None = None,
    devices: Any = None,
    last_done: Mapping[str, dt.date] | None = None,
    today: dt.date | None = None,
    refresh: bool = False,
) -> int:
    """Create the PM state of devices that have none (class from their model's EM number; due now, or
    the interval after the last PM given per asset number); with `refresh`, re-derive the states' class,
    planning order, interval and next-due date. `device_ids` or a queryset `devices` limits both."""
    ops = connection.ops
    today = today or timezone.localdate()
    where: str = ""
    params: list[Any] = []
    # The same limit on the states that exist (below): an import's 20,000 devices read their own states,
    # not every state of the register.
    existing_where: str = ""
    if device_ids is not None:
        clause, params = any_of_sql("d.id", device_ids)
        where = f" AND {clause}"
        existing_where = " WHERE " + any_of_sql("device_id", device_ids)[0]  # the same parameters
    elif devices is not None:
        sql, subquery_params = devices.values("pk").query.sql_with_params()
        where, params = f" AND d.id IN ({sql})", list(subquery_params)
        existing_where = f" WHERE device_id IN ({sql})"
    join, join_params = _last_done_join(last_done)
    interval = "COALESCE(m.pm_interval_months, c.interval_months)"
    given = "p.last_done" if join else "NULL"
    first_due = (
        f"CASE WHEN {given} IS NULL THEN %s ELSE {add_months_sql(given, interval, connection.vendor)} END"
        if join
        else "%s"
    )
    # The states that exist are read once, before the first insert: planned against a table that is
    # empty or nearly so, PostgreSQL would otherwise probe the table being filled once per device, and
    # each probe would scan every row inserted so far (a quadratic insert of a new register).
    # (SQLite needs none, and reports the rows inserted only for a statement that starts with INSERT.)
    existing = STATE
    prefix = ""
    prefix_params: list[Any] = []
    if connection.vendor == "postgresql":
        prefix = f"WITH existing AS MATERIALIZED (SELECT device_id FROM {STATE}{existing_where})"
        prefix_params = list(params) if existing_where else []
        existing = "existing"
    with connection.cursor() as cur:
        cur.execute(
            f"""
            {prefix}
            INSERT INTO {STATE}
                (device_id, pm_class_id, rank, interval_override_months, interval_months, last_done, next_due,
                 owner_id, in_register, is_assistive)
            SELECT d.id, c.id, COALESCE(c.rank, 99), NULL, {interval}, {given},
                   CASE WHEN {interval} IS NULL THEN NULL ELSE {first_due} END,
                   d.owner_id, {kept_clocks.in_register_sql("d")}, m.is_assistive
            FROM {DEVICE} d
            JOIN {MODEL} m ON m.id = d.model_id
            LEFT JOIN {PM_CLASS} c ON {EM} BETWEEN c.min_score AND c.max_score{join}
            WHERE NOT EXISTS (SELECT 1 FROM {existing} s WHERE s.device_id = d.id){where}
            ON CONFLICT (device_id) DO NOTHING
            """,
            [*prefix_params, ops.adapt_datefield_value(today), *join_params, *params],
        )
        created = cur.rowcount
        if refresh:
            # One pass over the states: class, planning order and interval from the model in force, and
            # the next-due date from the new interval; on PostgreSQL only the rows that change are written.
            interval = "COALESCE(s.interval_override_months, m.pm_interval_months, c.interval_months)"
            due_from_last = add_months_sql("s.last_done", interval, connection.vendor)
            state = STATE
            changed = (
                f" AND ({state}.pm_class_id, {state}.rank, {state}.interval_months, {state}.next_due)"
                " IS DISTINCT FROM (x.class_id, x.rank, x.interval_months, x.next_due)"
                if connection.vendor == "postgresql"
                else ""
            )
            cur.execute(
                f"""
                UPDATE {state} SET
                    pm_class_id = x.class_id, rank = x.rank,
                    interval_months = x.interval_months, next_due = x.next_due
                FROM (
                    SELECT s.device_id, c.id AS class_id, COALESCE(c.rank, 99) AS rank,
                           {interval} AS interval_months,
                           CASE WHEN {interval} IS NULL THEN NULL
                                WHEN s.last_done IS NULL THEN COALESCE(s.next_due, %s)
                                ELSE {due_from_last} END AS next_due
                    FROM {STATE} s
                    JOIN {DEVICE} d ON d.id = s.device_id
                    JOIN {MODEL} m ON m.id = d.model_id
                    LEFT JOIN {PM_CLASS} c ON {EM} BETWEEN c.min_score AND c.max_score
                    WHERE 1 = 1{where}
                ) x
                WHERE x.device_id = {state}.device_id{changed}
                """,
                [ops.adapt_datefield_value(today), *params],
            )
    return created


def plan(
    *, run_id: int, horizon_end: dt.date, org_ids: Sequence[int] | None, today: dt.date | None = None
) -> tuple[int, int]:
    """Insert PM work orders for MT-maintained devices due up to `horizon_end`, ordered per customer
    and site by PM class and due date; watch items for devices others maintain.

    Returns (work orders created, watch items created)."""
    ops = connection.ops
    now = timezone.now()
    sync_pm_states(today=today)
    not_planned_sql, not_planned = any_of_sql("d.status", NOT_PLANNED)
    not_planned_sql = "NOT " + not_planned_sql
    org_sql: str = ""
    org_params: list[Any] = []
    if org_ids is not None:
        clause, org_params = any_of_sql("d.owner_id", org_ids)
        org_sql = f" AND {clause}"
    open_sql, open_params = any_of_sql("w.status", sorted(rules.OPEN_STATUSES))
    stamp = ops.adapt_datetimefield_value(now)
    due = ops.adapt_datefield_value(horizon_end)
    with connection.cursor() as cur:
        cur.execute(
            f"""
            INSERT INTO {WORK_ORDER}
                (created_at, updated_at, number, kind, status, device_id, customer_id, location_id, title,
                 description, pm_rank, reported_at, accepted_at, due_date, waiting_reason, resolution,
                 plan_run_id)
            SELECT %s, %s, 'FU-' || CAST(d.id AS TEXT) || '-' || CAST(s.next_due AS TEXT), %s, %s,
                   d.id, d.owner_id, d.location_id, 'FU ' || d.asset_number, '', s.rank, %s, %s, s.next_due,
                   '', '', %s
            FROM {STATE} s
            JOIN {DEVICE} d ON d.id = s.device_id
            JOIN {MODEL} m ON m.id = d.model_id
            LEFT JOIN {LOCATION} l ON l.id = d.location_id
            WHERE s.next_due <= %s AND s.interval_months IS NOT NULL
              AND d.maintenance_responsibility = %s AND m.mt_competence = %s
              AND {not_planned_sql}{org_sql}
              AND NOT EXISTS (
                  SELECT 1 FROM {WORK_ORDER} w
                  WHERE w.device_id = s.device_id AND w.kind = %s
                    AND (w.due_date = s.next_due OR {open_sql})
              )
            ORDER BY d.owner_id, COALESCE(l.parent_id, d.location_id), s.rank, s.next_due, d.asset_number
            """,
            [
                stamp,
                stamp,
                WorkOrderKind.PM.value,
                WorkOrderStatus.ACCEPTED.value,
                stamp,
                stamp,
                run_id,
                due,
                MaintenanceResponsibility.MT.value,
                True,
                *not_planned,
                *org_params,
                WorkOrderKind.PM.value,
                *open_params,
            ],
        )
        work_orders = cur.rowcount
        cur.execute(
            f"""
            INSERT INTO {WATCH_ITEM}
                (created_at, updated_at, device_id, external_maintainer_id, due_date, status, plan_run_id)
            SELECT %s, %s, d.id, d.external_maintainer_id, s.next_due, %s, %s
            FROM {STATE} s
            JOIN {DEVICE} d ON d.id = s.device_id
            JOIN {MODEL} m ON m.id = d.model_id
            WHERE s.next_due <= %s AND s.interval_months IS NOT NULL
              AND (d.maintenance_responsibility <> %s OR m.mt_competence = %s)
              AND {not_planned_sql}{org_sql}
              AND NOT EXISTS (
                  SELECT 1 FROM {WATCH_ITEM} x
                  WHERE x.device_id = s.device_id AND x.due_date = s.next_due
              )
            ORDER BY d.owner_id, s.rank, s.next_due
            """,
            [
                stamp,
                stamp,
                WatchStatus.OPEN.value,
                run_id,
                due,
                MaintenanceResponsibility.MT.value,
                False,
                *not_planned,
                *org_params,
            ],
        )
        watch_items = cur.rowcount
    return work_orders, watch_items
