"""Field safety notices: finding a notice's affected devices, and creating their corrective work orders.

As a section of `python -m bench` (`run(ctx)` on the generated devices), or on its own:
`python -m bench.safety [--devices N]` makes its own PostgreSQL database `medtek_bench_safety` (or the
`--database-url` given), generates the devices without events, measures and drops it again.

The bars (DESIGN.md, the safety issue), at 1,000,000 devices: the affected devices of a notice that
names 3 models, 20 lots and a serial range found in <= 1 s; 5,000 corrective work orders created in
<= 5 s. The generated devices get lots (50 of them, spread over every model) first.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
import time
from typing import Any

from bench.context import BenchContext

FIND_BAR_S = 1.0
WORK_ORDERS_BAR_S = 5.0
LOTS = 50
WORK_ORDERS = 5000


def prepare(ctx: BenchContext, model_ids: list[int]) -> float:
    """Lot numbers (set-based) on the devices of the models the notices name; returns seconds.

    Only those: rewriting every row of a million-device register would cost minutes of index upkeep,
    and no other device's lot changes what the notices find."""
    from django.db import connection, transaction

    started = time.perf_counter()
    models = ", ".join(str(int(m)) for m in model_ids)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            f"UPDATE inventory_device SET lot = 'LOT' || CAST(id % {LOTS} AS TEXT) "
            f"WHERE model_id IN ({models})"
        )
        if connection.vendor == "postgresql":
            cur.execute("ANALYZE inventory_device")
    return time.perf_counter() - started


def _notice(ctx: BenchContext, reference: str, model_ids: list[int], **criteria: Any) -> Any:
    from medtek.inventory.models import DeviceModel
    from medtek.safety import services

    maker = DeviceModel.objects.get(pk=model_ids[0]).manufacturer
    # The bench's models have 40 manufacturers in turn; a notice names models of one of them.
    return services.notice_register(
        user=ctx.admin,
        department=ctx.mt_id,
        manufacturer=maker,
        reference=reference,
        title="Bench notice",
        issued_on=dt.date.today(),
        action="inspect",
        urgency="high",
        model_ids=model_ids,
        **criteria,
    )


def run(ctx: BenchContext) -> dict[str, Any]:
    from medtek.safety import services
    from medtek.safety.models import AffectedDevice

    makers = 40
    same_maker = [m for i, m in enumerate(ctx.model_ids) if i % makers == 0]
    per_model = max(1, ctx.devices // len(ctx.model_ids))
    wanted = min(len(same_maker), math.ceil(WORK_ORDERS / per_model))
    prepare_s = prepare(ctx, same_maker[: max(3, wanted)])
    notice = _notice(
        ctx,
        "BENCH-FIND",
        same_maker[:3],
        lots=[f"LOT{i}" for i in range(20)],
        serial_ranges=[("S00000000", "S09999999")],
    )
    t = time.perf_counter()
    found = services.notice_find_devices(user=ctx.admin, notice=notice)
    find_s = time.perf_counter() - t
    t = time.perf_counter()
    again = services.notice_find_devices(user=ctx.admin, notice=notice)
    refind_s = time.perf_counter() - t

    big = _notice(ctx, "BENCH-WO", same_maker[:wanted])
    services.notice_find_devices(user=ctx.admin, notice=big)
    # Exactly WORK_ORDERS devices (or all there are) get work orders: the rest are ruled out.
    extra = list(
        AffectedDevice.objects.filter(notice=big).order_by("pk").values_list("pk", flat=True)[WORK_ORDERS:]
    )
    AffectedDevice.objects.filter(pk__in=extra).update(decision="not_affected", reason="bench")
    t = time.perf_counter()
    # A tiny smoke run may find nothing to correct.
    listed = AffectedDevice.objects.filter(notice=big).exists()
    created = services.notice_create_work_orders(user=ctx.admin, notice=big) if listed else 0
    work_orders_s = time.perf_counter() - t
    return {
        "devices": ctx.devices,
        "prepare_s": round(prepare_s, 2),
        "find_s": round(find_s, 3),
        "found": found,
        "refind_s": round(refind_s, 3),
        "refound": again,
        "work_orders_s": round(work_orders_s, 2),
        "work_orders": created,
        "find_bar_s": FIND_BAR_S,
        "work_orders_bar_s": WORK_ORDERS_BAR_S,
    }


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [
        (
            f"FSN affected devices (3 models, 20 lots, a serial range), {result['devices']:,} devices",
            f"{result['find_s']:.3f} s ({result['found']:,} found)",
            f"<= {FIND_BAR_S:.0f} s",
            "ok" if result["find_s"] <= FIND_BAR_S else "MISSED",
        ),
        (
            "FSN search again (nothing new)",
            f"{result['refind_s']:.3f} s ({result['refound']} new)",
            "0 new",
            "ok" if result["refound"] == 0 else "MISSED",
        ),
        (
            "FSN corrective work orders in one action",
            f"{result['work_orders_s']:.2f} s ({result['work_orders']:,} work orders)",
            f"<= {WORK_ORDERS_BAR_S:.0f} s",
            "ok" if result["work_orders_s"] <= WORK_ORDERS_BAR_S else "MISSED",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    """Run only this section in its own database (devices without events)."""
    from bench.__main__ import main as bench_main

    args = list(sys.argv[1:] if argv is None else argv)
    if not any(a.startswith("--database-url") for a in args):
        from bench import db

        url = "postgres://postgres@127.0.0.1:5432/medtek_bench_safety" if db.postgres_reachable() else ""
        if url:
            args += ["--database-url", url]
    return bench_main([*args, "--only", "safety", "--events-per-device", "0"])


if __name__ == "__main__":
    sys.exit(main())
