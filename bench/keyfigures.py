"""Key figures for every customer over a year: the table with its total row, and the whole page's reads.

As a section of `python -m bench` (`run(ctx)` on the generated devices), or on its own:
`python -m bench.keyfigures [--devices N]` makes its own PostgreSQL database `medtek_bench_keyfigures`
(or the `--database-url` given), generates the devices without events, measures and drops it again.

The bar (DESIGN.md section 4, the "Daily use" issue): key figures for all customers over a year, p95 <= 1 s.
A year of work is generated set-based: an FU per device in the register due in the last 365 days (90 %
done, some late, 1 in 50 not approved), an AU for every fifth device with response and resolution
targets, and a PM clock per device (as bench/pm.py spreads them, so some are overdue). The work is
written around the services, so its kept months are computed once afterwards (`key_figures_rollup.rebuild`).
The period read is the page's "last 12 whole months" (`key_figures.last_twelve_months`): whole months
only, all from the kept months.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from typing import Any

from bench.context import BenchContext

BAR_S = 1.0
REPEATS = 15


def prepare(ctx: BenchContext) -> tuple[float, int]:
    """A year of FU and AU work orders and the PM clocks (set-based); returns (seconds, work orders)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bench import pm
    from bench.data import _column_defaults, _instant, analyze
    from medtek.maintenance import key_figures_rollup
    from medtek.maintenance.models import WorkOrder

    started = time.perf_counter()
    pm.prepare(ctx)
    today = timezone.localdate()
    offset = (today - dt.date(2015, 1, 1)).days
    vendor = connection.vendor
    now = WorkOrder._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
    left = "('decommissioned', 'donated', 'sold', 'traded_in', 'scrapped')"

    def day(expr: str) -> str:
        return _instant(vendor, f"{offset} - (id %% 365) + ({expr})")

    due = (
        f"(date '2015-01-01' + ({offset} - (id %% 365))::int)"
        if vendor == "postgresql"
        else f"date('2015-01-01', '+' || ({offset} - (id %% 365)) || ' days')"
    )
    kinds: dict[str, dict[str, str]] = {
        "pm": {
            "number": "'KF-P' || CAST(id AS TEXT)",
            "kind": "'pm'",
            "status": "CASE WHEN id %% 10 = 0 THEN 'accepted' ELSE 'closed' END",
            "device_id": "id",
            "customer_id": "owner_id",
            "title": "'FU'",
            "due_date": due,
            "done_at": f"CASE WHEN id %% 10 = 0 THEN NULL ELSE {day('(id %% 7) - 4')} END",
            "approved": "CASE WHEN id %% 10 = 0 THEN NULL WHEN id %% 50 = 1 THEN FALSE ELSE TRUE END",
        },
        "cm": {
            "number": "'KF-A' || CAST(id AS TEXT)",
            "kind": "'cm'",
            "status": "CASE WHEN id %% 30 = 0 THEN 'accepted' ELSE 'closed' END",
            "device_id": "id",
            "customer_id": "owner_id",
            "title": "'Fel'",
            "reported_at": day("0"),
            "accepted_at": day("id %% 3"),
            "response_due_at": day("1"),
            "done_at": f"CASE WHEN id %% 30 = 0 THEN NULL ELSE {day('id %% 6')} END",
            "resolution_due_at": day("3"),
        },
    }
    created = 0
    with transaction.atomic(), connection.cursor() as cur:
        for kind, exprs in kinds.items():
            given = {*exprs, "created_at", "updated_at"}
            rest_cols, rest_vals = _column_defaults(WorkOrder, given, connection)
            cols = [*exprs, "created_at", "updated_at", *rest_cols]
            values = [*exprs.values(), "%s", "%s", *(["%s"] * len(rest_cols))]
            where = f"status NOT IN {left}" + (" AND id %% 5 = 0" if kind == "cm" else "")
            if kind == "pm":  # the planner (section pm) may have planned an FU for the same day already
                same_day = due.replace("id %%", "inventory_device.id %%")
                where += (
                    " AND NOT EXISTS (SELECT 1 FROM maintenance_workorder w WHERE w.kind = 'pm'"
                    f" AND w.device_id = inventory_device.id AND w.due_date = {same_day})"
                )
            cur.execute(
                f"INSERT INTO {WorkOrder._meta.db_table} ({', '.join(cols)}) "
                f"SELECT {', '.join(values)} FROM inventory_device WHERE {where}",
                [now, now, *rest_vals],
            )
            created += cur.rowcount
    # Work orders written around the services: their kept months are computed once, as a restore would.
    rebuild_started = time.perf_counter()
    key_figures_rollup.rebuild()
    ctx.rollup_s = time.perf_counter() - rebuild_started  # type: ignore[attr-defined]
    # A loaded register is vacuumed: its visibility map lets devices be counted from an index alone.
    analyze()
    return time.perf_counter() - started, created


def _timed(fn: Any, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return sorted(out)


def _p95(samples: list[float]) -> float:
    return samples[min(len(samples) - 1, max(0, round(0.95 * len(samples)) - 1))]


def run(ctx: BenchContext) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from medtek.maintenance import key_figures

    prepare_s, work_orders = prepare(ctx)
    today = timezone.localdate()
    start, end = key_figures.last_twelve_months(today)
    with CaptureQueriesContext(connection) as queries:
        table = key_figures.by_customer(user=ctx.admin, start=start, end=end)
    table_queries = len(queries)
    repeats = getattr(ctx.args, "keyfigure_repeats", REPEATS)
    table_s = _timed(lambda: key_figures.by_customer(user=ctx.admin, start=start, end=end), repeats)
    page_s = _timed(lambda: key_figures.overview(user=ctx.admin, start=start, end=end), repeats)
    total = table["total"]
    return {
        "devices": ctx.devices,
        "customers": len(table["rows"]),
        "work_orders": work_orders,
        "prepare_s": round(prepare_s, 2),
        "rollup_rebuild_s": round(getattr(ctx, "rollup_s", 0.0), 2),
        "table_queries": table_queries,
        "table_p50_s": round(statistics.median(table_s), 3),
        "table_p95_s": round(_p95(table_s), 3),
        "page_p50_s": round(statistics.median(page_s), 3),
        "page_p95_s": round(_p95(page_s), 3),
        "pm_due": total["pm_due"],
        "pm_completion_rate": str(total["pm_completion_rate"]),
        "pm_overdue": total["pm_overdue"],
        "cm_count": total["cm_count"],
        "bar_s": BAR_S,
    }


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [
        (
            f"Key figures, all {result['customers']} customers, last 12 whole months, "
            f"{result['devices']:,} devices",
            f"p95 {result['table_p95_s']:.3f} s ({result['table_queries']} queries)",
            f"<= {BAR_S:.0f} s",
            "ok" if result["table_p95_s"] <= BAR_S else "MISSED",
        ),
        (
            "Key-figures page reads (table, months, backlog)",
            f"p95 {result['page_p95_s']:.3f} s",
            f"<= {BAR_S:.0f} s",
            "ok" if result["page_p95_s"] <= BAR_S else "MISSED",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    """Run only this section in its own database (devices without events)."""
    from bench.__main__ import main as bench_main

    args = list(sys.argv[1:] if argv is None else argv)
    if not any(a.startswith("--database-url") for a in args):
        from bench import db

        url = "postgres://postgres@127.0.0.1:5432/medtek_bench_keyfigures" if db.postgres_reachable() else ""
        if url:
            args += ["--database-url", url]
    return bench_main([*args, "--only", "keyfigures", "--events-per-device", "0"])


if __name__ == "__main__":
    sys.exit(main())
