"""The PM planner's figure: PM work orders planned for every device due within 30 days.

As a section of `python -m bench` (`run(ctx)` on the generated devices), or on its own:
`python -m bench.pm [--devices N]` makes its own PostgreSQL database `medtek_bench_pm` (or the
`--database-url` given), generates the devices without events, measures and drops it again.

The bar (DESIGN.md, the maintenance issue): 1,000,000 devices planned in <= 10 s on PostgreSQL, and, as a
ratio that travels between machines, at most twice the time its own statements take when sent alone
(captured from the run, replayed and rolled back: `bench.rawsql`).
Every device gets a PM state whose next-due date is spread over its interval (6, 12 or 24 months),
so about 1/20 of them fall due or are overdue within the 30-day horizon; the planner's second run
must create nothing.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from bench import rawsql
from bench.context import BenchContext

BAR_S = 10.0
BAR_X_SQL = 2.0  # the planner at most twice the time of its own statements sent alone
HORIZON_DAYS = 30


def prepare(ctx: BenchContext) -> float:
    """The default priority models and a PM state for every device (set-based); returns seconds."""
    from django.db import connection, transaction
    from django.utils import timezone

    from medtek.maintenance import planner, services
    from medtek.maintenance.demo import DEFAULT_CM_LEVELS, DEFAULT_PM_CLASSES
    from medtek.maintenance.models import PMClass

    started = time.perf_counter()
    today = timezone.localdate()
    with transaction.atomic():
        if not PMClass.objects.exists():
            services.pm_model_save(user=ctx.admin, classes=DEFAULT_PM_CLASSES)
            services.cm_model_save(user=ctx.admin, levels=DEFAULT_CM_LEVELS)
        planner.sync_pm_states(today=today)
        spread = "(device_id * 37) %% (interval_months * 30) - 20"
        day = connection.ops.adapt_datefield_value(today)
        if connection.vendor == "postgresql":
            new_due = f"CAST(%s AS date) + CAST({spread} AS integer)"
        else:
            new_due = f"date(%s, ({spread}) || ' days')"
        sql = f"UPDATE maintenance_devicepmstate SET next_due = {new_due}"
        with connection.cursor() as cur:
            cur.execute(sql + " WHERE interval_months IS NOT NULL", [day])
            if connection.vendor == "postgresql":
                cur.execute("ANALYZE maintenance_devicepmstate")
    return time.perf_counter() - started


def raw_sql_seconds(ctx: BenchContext) -> tuple[float, int]:
    """Seconds for the database alone to run the planner's statements, and how many there are.

    The planner runs once in a transaction that is rolled back, its statements captured; they are then
    sent again as they were, on the same untouched data, in another transaction (with the plan run's row
    they refer to put back first, untimed), the deferred foreign keys checked, and rolled back too."""
    from django.db import connection, transaction

    from medtek.maintenance import services
    from medtek.maintenance.models import PlanRun

    with transaction.atomic():
        run, statements, _s = rawsql.capture(
            lambda: services.plan_maintenance(user=ctx.admin, horizon_days=HORIZON_DAYS)
        )
        row = {
            f.column: f.get_db_prep_value(getattr(run, f.attname), connection) for f in PlanRun._meta.fields
        }
        transaction.set_rollback(True)
    with transaction.atomic():
        with connection.cursor() as cur:
            names = ", ".join(str(column) for column in row)
            cur.execute(
                f"INSERT INTO {PlanRun._meta.db_table} ({names}) VALUES ({', '.join(['%s'] * len(row))})",
                list(row.values()),
            )
        seconds = rawsql.replay(statements)
        transaction.set_rollback(True)
    return seconds, len(statements)


def run(ctx: BenchContext) -> dict[str, Any]:
    from medtek.maintenance import services
    from medtek.maintenance.models import DevicePMState

    prepare_s = prepare(ctx)
    due = DevicePMState.objects.count()
    raw_s, statements = raw_sql_seconds(ctx)
    t = time.perf_counter()
    first = services.plan_maintenance(user=ctx.admin, horizon_days=HORIZON_DAYS)
    plan_s = time.perf_counter() - t
    t = time.perf_counter()
    second = services.plan_maintenance(user=ctx.admin, horizon_days=HORIZON_DAYS)
    replan_s = time.perf_counter() - t
    return {
        "devices": ctx.devices,
        "pm_states": due,
        "prepare_s": round(prepare_s, 2),
        "plan_s": round(plan_s, 2),
        "raw_sql_s": round(raw_s, 2),
        "x_sql": rawsql.ratio(plan_s, raw_s),
        "statements": statements,
        "work_orders": first.work_orders_created,
        "watch_items": first.watch_items_created,
        "us_per_work_order": round(plan_s * 1e6 / max(first.work_orders_created, 1), 1),
        "replan_s": round(replan_s, 2),
        "replan_work_orders": second.work_orders_created,
        "bar_s": BAR_S,
        "bar_x_sql": BAR_X_SQL,
    }


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    ok = result["plan_s"] <= BAR_S
    x = result.get("x_sql")
    ok_x = x is not None and x <= BAR_X_SQL
    return [
        (
            f"PM planner, {result['devices']:,} devices",
            f"{result['plan_s']:.2f} s ({result['work_orders']:,} work orders, "
            f"{result['us_per_work_order']} us each); its {result['statements']} statements alone "
            f"{result['raw_sql_s']:.2f} s: {rawsql.show(x)}",
            f"<= {BAR_S:.0f} s; <= {BAR_X_SQL:.0f}x its SQL",
            ("ok" if ok else "MISSED") + " / " + ("ok" if ok_x else "MISSED"),
        ),
        (
            "PM planner, second run",
            f"{result['replan_s']:.2f} s ({result['replan_work_orders']} new)",
            "0 new",
            "ok" if result["replan_work_orders"] == 0 else "MISSED",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    """Run only this section in its own database (devices without events)."""
    from bench.__main__ import main as bench_main

    args = list(sys.argv[1:] if argv is None else argv)
    if not any(a.startswith("--database-url") for a in args):
        from bench import db

        url = "postgres://postgres@127.0.0.1:5432/medtek_bench_pm" if db.postgres_reachable() else ""
        if url:
            args += ["--database-url", url]
    return bench_main([*args, "--only", "pm", "--events-per-device", "0"])


if __name__ == "__main__":
    sys.exit(main())
