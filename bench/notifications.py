"""Notifications: the CM target check every few minutes, and the night's FU planning with the digests.

As a section of `python -m bench` (`run(ctx)` on the generated devices), or on its own:
`python -m bench.notifications [--devices N]` makes its own PostgreSQL database
`medtek_bench_notifications` (or the `--database-url` given), generates the devices without events,
measures and drops it again.

The bars (DESIGN.md section 4, the notifications issue), at 1,000,000 devices: the target check finds
the at-risk and breached CM work orders in <= 1 s; the nightly FU planning plus its digests finish in
<= 30 s. Generated set-based: an open CM work order (with a priority and its targets) for one device in a
hundred, reported over the last three days so that some are within target, some at 75 % and some
breached; a customer contact per owner with notifications waiting for the daily digest (20 each, about
the open work of the owner); the PM clocks as the `pm` section spreads them.
"""

from __future__ import annotations

import statistics
import sys
import time
from typing import Any

from bench.context import BenchContext

FIND_BAR_S = 1.0
NIGHT_BAR_S = 30.0
WAITING_PER_CONTACT = 20
REPEATS = 7


def _hours_before(vendor: str, hours_expr: str) -> str:
    if vendor == "postgresql":
        return f"(CAST(%s AS timestamptz) - ({hours_expr}) * interval '1 hour')"
    return f"datetime(%s, CAST(-({hours_expr}) AS TEXT) || ' hours')"


def prepare(ctx: BenchContext) -> dict[str, Any]:
    """Open CM work, the contacts with their waiting notifications, the PM clocks; returns counts."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from bench import pm
    from bench.data import _column_defaults
    from medtek.maintenance.models import CMPriority, DevicePMState, WorkOrder
    from medtek.notifications.choices import Kind, Mode, State
    from medtek.notifications.models import Notification
    from medtek.organizations.choices import Role
    from medtek.organizations.models import Membership

    started = time.perf_counter()
    if not DevicePMState.objects.exists():
        pm.prepare(ctx)  # also the default PM and CM priority models
    level = CMPriority.objects.order_by("rank").first()
    assert level is not None, "the CM priority model is missing"
    vendor = connection.vendor
    now = timezone.now()
    at = WorkOrder._meta.get_field("created_at").get_db_prep_save(now, connection)
    age = "((id * 13) %% 72)"  # hours since the report: 0-71, spread
    reported = _hours_before(vendor, age)
    exprs = {
        "number": "'NB-A' || CAST(id AS TEXT)",
        "kind": "'cm'",
        "status": "CASE WHEN (id / 7) %% 2 = 0 THEN 'reported' ELSE 'in_progress' END",
        "device_id": "id",
        "customer_id": "owner_id",
        "title": "'Larmar'",
        "priority_id": str(int(level.pk)),
        "reported_at": reported,
        "accepted_at": f"CASE WHEN (id / 7) %% 2 = 0 THEN NULL ELSE {reported} END",
        "response_due_at": _hours_before(vendor, f"{age} - 8"),
        "resolution_due_at": _hours_before(vendor, f"{age} - 48"),
    }
    given = {*exprs, "created_at", "updated_at"}
    rest_cols, rest_vals = _column_defaults(WorkOrder, given, connection)
    cols = [*exprs, "created_at", "updated_at", *rest_cols]
    values = [*exprs.values(), "%s", "%s", *(["%s"] * len(rest_cols))]
    reported_params = [at] * sum(v.count("%s") for v in exprs.values())
    users = get_user_model()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {WorkOrder._meta.db_table} ({', '.join(cols)}) "
            f"SELECT {', '.join(values)} FROM inventory_device "
            "WHERE (id * 7919) %% 1009 < 10 AND status = 'in_use'",
            [*reported_params, at, at, *rest_vals],
        )
        open_cm = cur.rowcount
        # A customer contact per owner, and the notifications waiting for their digest.
        made = users.objects.bulk_create(
            [
                users(username=f"nb-contact-{oid}", email=f"nb-contact-{oid}@example.org")
                for oid in ctx.owner_ids
            ]
        )
        if not made[0].pk:  # SQLite before 3.35 returns no ids
            made = list(users.objects.filter(username__startswith="nb-contact-").order_by("pk"))
        Membership.objects.bulk_create(
            [
                Membership(user=u, organisation_id=oid, role=Role.CUSTOMER_CONTACT)
                for u, oid in zip(made, ctx.owner_ids, strict=True)
            ]
        )
        waiting = [
            Notification(
                recipient=u,
                kind=Kind.FAULT_PRIORITISED,
                cause_key=f"nb:{u.pk}:{i}",
                mode=Mode.DIGEST,
                state=State.IN_DIGEST,
                object_type="maintenance.workorder",
                object_id=wo,
                capability="view",
                language="sv",
                subject=f"Prioriterat P1: NB-A{wo} Larmar",
                body_text="Prioriterat.",
                created_at=now,
                updated_at=now,
            )
            for u, oid in zip(made, ctx.owner_ids, strict=True)
            for i, wo in enumerate(
                WorkOrder.objects.filter(customer_id=oid, kind="cm", number__startswith="NB-A")
                .order_by("pk")
                .values_list("pk", flat=True)[:WAITING_PER_CONTACT]
            )
        ]
        Notification.objects.bulk_create(waiting, batch_size=1000)
        if vendor == "postgresql":
            cur.execute(f"ANALYZE {WorkOrder._meta.db_table}")
            cur.execute(f"ANALYZE {Notification._meta.db_table}")
    return {
        "prepare_s": round(time.perf_counter() - started, 2),
        "open_cm": open_cm,
        "contacts": len(made),
        "waiting": len(waiting),
    }


def run(ctx: BenchContext) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bench.pm import HORIZON_DAYS
    from medtek.maintenance import services
    from medtek.notifications import checks
    from medtek.notifications import services as notifications

    prepared = prepare(ctx)
    now = timezone.now()
    samples = []
    for _ in range(getattr(ctx.args, "notification_repeats", REPEATS)):
        t = time.perf_counter()
        found = checks.sla_targets_at_risk(now)
        samples.append(time.perf_counter() - t)
    samples.sort()
    with CaptureQueriesContext(connection) as queries:
        t = time.perf_counter()
        written = checks.check_sla(now=now)
        check_s = time.perf_counter() - t
    t = time.perf_counter()
    rewritten = checks.check_sla(now=now)
    recheck_s = time.perf_counter() - t
    # The night: the FU planning (as the worker runs it at 02:00) and the digests after it.
    t = time.perf_counter()
    plan = services.plan_maintenance(user=ctx.admin, horizon_days=HORIZON_DAYS)
    plan_s = time.perf_counter() - t
    t = time.perf_counter()
    digests = notifications.digest_build(force=True)
    digest_s = time.perf_counter() - t
    return {
        "devices": ctx.devices,
        **prepared,
        "found": len(found),
        "breached": sum(1 for r in found if r["breached"]),
        "find_p50_s": round(statistics.median(samples), 3),
        "find_max_s": round(samples[-1], 3),
        "check_s": round(check_s, 2),
        "check_queries": len(queries),
        "written": written,
        "recheck_s": round(recheck_s, 2),
        "rewritten": rewritten,
        "plan_s": round(plan_s, 2),
        "planned": plan.work_orders_created,
        "digest_s": round(digest_s, 2),
        "digests": digests,
        "night_s": round(plan_s + digest_s, 2),
        "find_bar_s": FIND_BAR_S,
        "night_bar_s": NIGHT_BAR_S,
    }


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [
        (
            f"CM targets at risk or breached, {result['open_cm']:,} open CM, {result['devices']:,} devices",
            f"max {result['find_max_s']:.3f} s, p50 {result['find_p50_s']:.3f} s "
            f"({result['found']:,} found, {result['breached']:,} breached)",
            f"<= {FIND_BAR_S:.0f} s",
            "ok" if result["find_max_s"] <= FIND_BAR_S else "MISSED",
        ),
        (
            "Target check with its notifications (first run / again)",
            f"{result['check_s']:.2f} s, {result['written']:,} written, {result['check_queries']} queries / "
            f"{result['recheck_s']:.2f} s, {result['rewritten']} new",
            "again creates nothing",
            "ok" if result["rewritten"] == 0 else "MISSED",
        ),
        (
            f"Night: FU planning + digests ({result['contacts']} contacts, {result['waiting']:,} waiting)",
            f"{result['night_s']:.2f} s ({result['plan_s']:.2f} s, {result['planned']:,} FU; "
            f"{result['digest_s']:.2f} s, {result['digests']} digests)",
            f"<= {NIGHT_BAR_S:.0f} s",
            "ok" if result["night_s"] <= NIGHT_BAR_S else "MISSED",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    """Run only this section in its own database (devices without events)."""
    from bench.__main__ import main as bench_main

    args = list(sys.argv[1:] if argv is None else argv)
    if not any(a.startswith("--database-url") for a in args):
        from bench import db

        url = (
            "postgres://postgres@127.0.0.1:5432/medtek_bench_notifications" if db.postgres_reachable() else ""
        )
        if url:
            args += ["--database-url", url]
    return bench_main([*args, "--only", "notifications", "--events-per-device", "0"])


if __name__ == "__main__":
    sys.exit(main())
