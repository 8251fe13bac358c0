"""The billing figure: a half-year's fixed run plus a month's variable run for every customer.

As a section of `python -m bench` (`run(ctx)` on the generated world), or on its own:
`python -m bench.billing [--devices N]` makes its own PostgreSQL database `medtek_bench_billing` (or
the `--database-url` given), generates the devices and their events, measures and drops it again.

The bar (DESIGN.md section 4, the billing issue): a half-year fixed run + a month's variable run for
300 customers in <= 5 s. Set up first, set-based and not timed: a rate schedule (1123 kr/h from
2025-01-01, with an example VPI figure for 2026), one agreement 2026-01-01 - 2027-12-31 between the
bench's MT department and every owner (through the agreements services, so it is validated; each
party with its buyer reference; fixed part 40 h + 12 min per registered device and year), and for
March 2026 about ten corrective work orders per customer on its devices, with the billable and
non-billable time, travel and material entries (and their events) the maintenance services would
have written, in bulk. Timed, with the MT admin as the user: `services.fixed_run` for 2026H1 (which
counts every customer's registered devices from the event history on 2025-12-31) and
`services.variable_run` for 2026-03, exactly as `medtek bill fixed 2026H1` and
`medtek bill variable 2026-03` call them; then each again, which must create or update nothing.
Every run's queries are counted, with the database time and the costliest statements, so a slow
run says where its time goes.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from bench.context import BenchContext

BAR_S = 5.0
FIXED_PERIOD = "2026H1"
VARIABLE_PERIOD = "2026-03"
AGREEMENT_REFERENCE = "BENCH-MT-2026"
SCHEDULE_NAME = "Bench timpris"
WORK_ORDERS_PER_CUSTOMER = 10
TITLE = "Bench:"
FAULTS = (
    "larmar vid start",
    "displayen är svart",
    "batteriet håller inte laddningen",
    "läckage vid slangsetet",
    "mätvärden avviker vid kontroll",
    "hjulbroms fungerar inte",
    "nätsladden är skadad",
)
HOURS = (Decimal("0.50"), Decimal("1.00"), Decimal("1.50"), Decimal("2.00"), Decimal("3.00"))


class QueryLog:
    """Counts a run's queries and their database time, grouped by statement (an `execute_wrapper`)."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self.statements: dict[str, list[float]] = {}

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            self.count += 1
            self.seconds += spent
            entry = self.statements.setdefault(" ".join(sql.split())[:100], [0, 0.0])
            entry[0] += 1
            entry[1] += spent

    def top(self, n: int = 3) -> list[dict[str, Any]]:
        ranked = sorted(self.statements.items(), key=lambda kv: -kv[1][1])[:n]
        return [{"sql": sql, "count": int(c), "s": round(s, 3)} for sql, (c, s) in ranked]


def _timed(fn: Callable[..., Any], **kwargs: Any) -> tuple[Any, float, QueryLog]:
    from django.db import connection

    log = QueryLog()
    with connection.execute_wrapper(log):
        started = time.perf_counter()
        result = fn(**kwargs)
        seconds = time.perf_counter() - started
    return result, seconds, log


def _weekdays(start: dt.date, end: dt.date) -> list[dt.date]:
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    return [d for d in days if d.weekday() < 5]


def _technicians(ctx: BenchContext, needed: int) -> list[Any]:
    """`needed` MT technicians of the bench's MT department (made once, without password hashing)."""
    from django.contrib.auth import get_user_model

    from medtek.organizations.choices import Role
    from medtek.organizations.models import Membership

    User = get_user_model()
    names = [f"bench-tech-{i:03d}" for i in range(needed)]
    have = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    new = []
    for i, name in enumerate(names):
        if name not in have:
            user = User(username=name, first_name="Tekniker", last_name=f"{i:03d}")
            user.set_unusable_password()
            new.append(user)
    User.objects.bulk_create(new)
    techs = list(User.objects.filter(username__in=names).order_by("username"))
    Membership.objects.bulk_create(
        [Membership(user=t, organisation_id=ctx.mt_id, role=Role.MT_TECHNICIAN) for t in techs],
        ignore_conflicts=True,
    )
    return techs


def _agreement(ctx: BenchContext) -> Any:
    """The rate schedule and the one agreement with every owner, through the agreements services."""
    from medtek.agreements import services as agreements
    from medtek.agreements.models import Agreement, IndexFigure, RateSchedule

    schedule = RateSchedule.objects.filter(provider_id=ctx.mt_id, name=SCHEDULE_NAME).first()
    if schedule is None:
        schedule = agreements.rate_schedule_create(
            user=ctx.admin,
            provider=ctx.mt_id,
            name=SCHEDULE_NAME,
            base_rate=Decimal("1123.00"),
            valid_from=dt.date(2025, 1, 1),
            rounding="krona",
        )
    if not IndexFigure.objects.filter(schedule=schedule, year=2026).exists():
        agreements.index_figure_enter(
            user=ctx.admin,
            schedule=schedule,
            year=2026,
            change_percent=Decimal("3.0"),
            publication_reference="Bench: example figure, not SKR's published VPI",
            is_example=True,
        )
    agreement = Agreement.objects.filter(reference=AGREEMENT_REFERENCE).first()
    if agreement is None:
        agreement = agreements.agreement_create(
            user=ctx.admin,
            provider=ctx.mt_id,
            seller=ctx.mt_id,
            reference=AGREEMENT_REFERENCE,
            title="Bench: medicintekniskt stöd till kommunerna",
            valid_from=dt.date(2026, 1, 1),
            valid_until=dt.date(2027, 12, 31),
            customers=[(pk, f"MAS {code}") for pk, code in zip(ctx.owner_ids, ctx.owner_codes, strict=True)],
            rate_schedule=schedule,
            bankgiro="5050-1055",
        )
    return agreement


def _work(ctx: BenchContext) -> dict[str, int]:
    """The month's corrective work: ~10 work orders per customer on its devices in use, with the
    rows and events `work_order_report`, `time_entry_add`, `travel_entry_add`, `material_line_add`
    and the status changes would have written (made in bulk; nothing here is timed)."""
    from django.utils import timezone

    from medtek.billing import rules
    from medtek.core.events import build_event, record_events
    from medtek.inventory.choices import DeviceStatus
    from medtek.inventory.models import Device
    from medtek.maintenance.choices import EventKind, MaterialKind, WorkOrderKind, WorkOrderStatus
    from medtek.maintenance.models import MaterialLine, TimeEntry, TravelEntry, WorkOrder
    from medtek.maintenance.services import PREFIX

    existing = WorkOrder.objects.filter(kind=WorkOrderKind.CM, title__startswith=TITLE)
    if existing.exists():  # a database kept by --keep
        return {"work_orders": existing.count()}
    devices: list[dict[str, Any]] = []
    for owner in ctx.owner_ids:
        devices += (
            Device.objects.filter(owner_id=owner, status=DeviceStatus.IN_USE)
            .order_by("asset_number")
            .values("pk", "owner_id", "location_id")[:WORK_ORDERS_PER_CUSTOMER]
        )
    if not devices:
        return {"work_orders": 0}
    month = rules.parse_month(VARIABLE_PERIOD)
    days = _weekdays(month.start, month.end)
    n_days = len(days)
    # At most two work orders per technician and day (each <= 3.5 h, plus a 1 h follow-up day): the
    # services' 24 h a day limit holds. Coprime with the days, so the pairs spread evenly.
    n_techs = max(1, math.ceil(len(devices) / (2 * n_days)))
    while math.gcd(n_techs, n_days) != 1:
        n_techs += 1
    techs = _technicians(ctx, n_techs)
    tz = timezone.get_current_timezone()

    def at(day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=tz)

    plans = []
    orders = []
    for j, d in enumerate(devices):
        first = days[j % n_days]
        follow_up = days[j % n_days + 1] if j % 3 == 0 and j % n_days + 1 < n_days else None
        last = follow_up or first
        status = (
            WorkOrderStatus.IN_PROGRESS
            if j % 10 == 0
            else WorkOrderStatus.DONE
            if j % 10 == 1
            else WorkOrderStatus.CLOSED
        )
        finished = status != WorkOrderStatus.IN_PROGRESS
        tech = techs[j % n_techs]
        orders.append(
            WorkOrder(
                number=f"tmp-bench-{j}",
                kind=WorkOrderKind.CM,
                status=status,
                device_id=d["pk"],
                customer_id=d["owner_id"],
                location_id=d["location_id"],
                title=f"{TITLE} {FAULTS[j % len(FAULTS)]}",
                reported_by=ctx.admin,
                reported_at=at(first, 8),
                accepted_at=at(first, 9),
                started_at=at(first, 10),
                done_at=at(last, 15) if finished else None,
                closed_at=at(last, 16) if status == WorkOrderStatus.CLOSED else None,
                assigned_to=tech,
                resolution="Felsökt, reparerad och funktionskontrollerad." if finished else "",
            )
        )
        plans.append((d, tech, first, follow_up))
    WorkOrder.objects.bulk_create(orders, batch_size=1000)
    if any(wo.pk is None for wo in orders):  # a backend that does not return ids from bulk inserts
        ids = dict(WorkOrder.objects.filter(number__startswith="tmp-bench-").values_list("number", "pk"))
        for wo in orders:
            wo.pk = ids[wo.number]
    for wo in orders:
        wo.number = f"{PREFIX[WorkOrderKind.CM]}-{wo.pk:06d}"
    WorkOrder.objects.bulk_update(orders, ["number"], batch_size=1000)

    times: list[Any] = []
    travels: list[Any] = []
    materials: list[Any] = []
    for j, (wo, (_d, tech, first, follow_up)) in enumerate(zip(orders, plans, strict=True)):
        times.append(
            TimeEntry(
                work_order=wo, technician=tech, date=first, hours=HOURS[j % len(HOURS)], note="Felsökning"
            )
        )
        if follow_up is not None:
            times.append(
                TimeEntry(
                    work_order=wo, technician=tech, date=follow_up, hours=Decimal("1.00"), note="Uppföljning"
                )
            )
        if j % 7 == 0:
            times.append(
                TimeEntry(
                    work_order=wo,
                    technician=tech,
                    date=first,
                    hours=Decimal("0.50"),
                    billable=False,
                    note="Intern dokumentation",
                )
            )
        travels.append(
            TravelEntry(
                work_order=wo,
                date=first,
                location_id=wo.location_id,
                description=f"Bil {10 + j % 90} km",
                cost=Decimal(150 + (j * 37) % 650) + Decimal("0.50") * (j % 2),
            )
        )
        if j % 2 == 0:
            materials.append(
                MaterialLine(
                    work_order=wo,
                    date=follow_up or first,
                    kind=MaterialKind.SPARE_PART,
                    article_number=f"RD-{j % 500:05d}",
                    description=f"Reservdel {j % 500}",
                    quantity=Decimal(1 + (j // 2) % 2),
                    unit_price=Decimal(95 + (j * 53) % 2000) + Decimal("0.25") * (j % 4),
                )
            )
        if j % 5 == 0:
            materials.append(
                MaterialLine(
                    work_order=wo,
                    date=first,
                    kind=MaterialKind.CONSUMABLE,
                    article_number="FV-00012",
                    description="Slangset",
                    quantity=Decimal("3"),
                    unit_price=Decimal("12.50"),
                )
            )
    TimeEntry.objects.bulk_create(times, batch_size=2000)
    TravelEntry.objects.bulk_create(travels, batch_size=2000)
    MaterialLine.objects.bulk_create(materials, batch_size=2000)

    snapshots = {
        d["pk"]: {
            "device_id": d["pk"],
            "owner_id": d["owner_id"],
            "location_id": d["location_id"],
            "status": DeviceStatus.IN_USE,
            "in_register": True,
        }
        for d in devices
    }
    events = []
    for wo in orders:
        snap = snapshots[wo.device_id]
        events.append(
            build_event(
                kind=EventKind.WO_REPORTED,
                subject=wo,
                actor=ctx.admin,
                data={"number": wo.number, "kind": wo.kind},
                message=wo.title,
                occurred_at=wo.reported_at,
                device_snapshot=snap,
            )
        )
        if wo.done_at:
            events.append(
                build_event(
                    kind=EventKind.WO_DONE,
                    subject=wo,
                    actor=wo.assigned_to,
                    data={"before": WorkOrderStatus.IN_PROGRESS, "after": WorkOrderStatus.DONE},
                    occurred_at=wo.done_at,
                    device_snapshot=snap,
                )
            )
        if wo.closed_at:
            events.append(
                build_event(
                    kind=EventKind.WO_CLOSED,
                    subject=wo,
                    actor=wo.assigned_to,
                    data={"before": WorkOrderStatus.DONE, "after": WorkOrderStatus.CLOSED},
                    occurred_at=wo.closed_at,
                    device_snapshot=snap,
                )
            )
    for t in times:
        events.append(
            build_event(
                kind=EventKind.TIME_ADDED,
                subject=t.work_order,
                actor=t.technician,
                data={"entry": t.pk, "date": t.date, "hours": str(t.hours), "billable": t.billable},
                occurred_at=at(t.date, 14),
                device_snapshot=snapshots[t.work_order.device_id],
            )
        )
    for v in travels:
        events.append(
            build_event(
                kind=EventKind.TRAVEL_ADDED,
                subject=v.work_order,
                actor=v.work_order.assigned_to,
                data={"entry": v.pk, "date": v.date, "cost": str(v.cost)},
                occurred_at=at(v.date, 14),
                device_snapshot=snapshots[v.work_order.device_id],
            )
        )
    for m in materials:
        events.append(
            build_event(
                kind=EventKind.MATERIAL_ADDED,
                subject=m.work_order,
                actor=m.work_order.assigned_to,
                data={
                    "line": m.pk,
                    "date": m.date,
                    "article": m.article_number,
                    "quantity": str(m.quantity),
                    "amount": str(m.amount),
                },
                occurred_at=at(m.date, 14),
                device_snapshot=snapshots[m.work_order.device_id],
            )
        )
    record_events(events)
    return {
        "work_orders": len(orders),
        "time_entries": len(times),
        "travel_entries": len(travels),
        "material_lines": len(materials),
        "technicians": len(techs),
        "events_written": len(events),
    }


def prepare(ctx: BenchContext) -> dict[str, Any]:
    """Rate schedule, agreement and the month's work (idempotent, for a kept database too)."""
    from django.db import connection, transaction

    from medtek.billing.models import Invoice
    from medtek.core.models import Event

    started = time.perf_counter()
    if not Event.objects.filter(device_id__isnull=False).exists():
        raise RuntimeError(
            "billing counts each customer's devices from their event history: "
            "generate events (--events-per-device 1 or more)"
        )
    with transaction.atomic():
        agreement = _agreement(ctx)
        made = _work(ctx)
        # A kept database (--reuse) has the drafts of the last run: start from none again.
        Invoice.objects.filter(agreement=agreement).delete()
    with connection.cursor() as cur:
        for table in (
            "maintenance_workorder",
            "maintenance_timeentry",
            "maintenance_travelentry",
            "maintenance_materialline",
            "agreements_agreementparty",
            "billing_invoice",
            "billing_invoiceline",
        ):
            cur.execute(f"ANALYZE {table}")
    return {
        "customers": agreement.parties.count(),
        **made,
        "prepare_s": round(time.perf_counter() - started, 2),
    }


def _new(result: Any) -> int:
    return len(result.created) + len(result.updated)


def run(ctx: BenchContext) -> dict[str, Any]:
    from medtek.billing import services
    from medtek.billing.models import Invoice, InvoiceLine

    prepared = prepare(ctx)
    fixed, fixed_s, fixed_q = _timed(services.fixed_run, user=ctx.admin, period=FIXED_PERIOD)
    variable, variable_s, variable_q = _timed(services.variable_run, user=ctx.admin, period=VARIABLE_PERIOD)
    refixed, refixed_s, refixed_q = _timed(services.fixed_run, user=ctx.admin, period=FIXED_PERIOD)
    revariable, revariable_s, revariable_q = _timed(
        services.variable_run, user=ctx.admin, period=VARIABLE_PERIOD
    )

    def lines(result: Any) -> int:
        return InvoiceLine.objects.filter(invoice__run=result.run).count() if result.run else 0

    # Summed here, not by the database: SQLite sums decimals as floats.
    nets = Invoice.objects.filter(run=fixed.run).values_list("net_total", flat=True) if fixed.run else []
    fixed_net = sum(nets, Decimal("0.00"))
    fixed_total = sum((b.total.total for b in fixed.bases), Decimal("0.00"))
    return {
        **prepared,
        "devices": ctx.devices,
        "fixed_period": FIXED_PERIOD,
        "fixed_s": round(fixed_s, 3),
        "fixed_invoices": len(fixed.created),
        "fixed_lines": lines(fixed),
        "fixed_devices_counted": sum(b.total_devices for b in fixed.bases),
        "fixed_total_kr": str(fixed_total),
        "fixed_invoices_add_up": fixed_net == fixed_total,
        "fixed_queries": fixed_q.count,
        "fixed_db_s": round(fixed_q.seconds, 3),
        "fixed_top_queries": fixed_q.top(),
        "variable_period": VARIABLE_PERIOD,
        "variable_s": round(variable_s, 3),
        "variable_invoices": len(variable.created),
        "variable_lines": lines(variable),
        "variable_queries": variable_q.count,
        "variable_db_s": round(variable_q.seconds, 3),
        "variable_top_queries": variable_q.top(),
        "both_s": round(fixed_s + variable_s, 3),
        "refixed_s": round(refixed_s, 3),
        "refixed_new": _new(refixed),
        "refixed_unchanged": len(refixed.unchanged),
        "refixed_queries": refixed_q.count,
        "revariable_s": round(revariable_s, 3),
        "revariable_new": _new(revariable),
        "revariable_unchanged": len(revariable.unchanged),
        "revariable_queries": revariable_q.count,
        "bar_s": BAR_S,
    }


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    ok = result["both_s"] <= BAR_S
    return [
        (
            f"billing fixed {result['fixed_period']}, {result['customers']} customers",
            f"{result['fixed_s']:.2f} s ({result['fixed_invoices']} invoices, "
            f"{result['fixed_lines']:,} lines, {result['fixed_queries']} queries)",
            "-",
            "-",
        ),
        (
            f"billing variable {result['variable_period']}, {result['work_orders']:,} work orders",
            f"{result['variable_s']:.2f} s ({result['variable_invoices']} invoices, "
            f"{result['variable_lines']:,} lines, {result['variable_queries']} queries)",
            "-",
            "-",
        ),
        (
            "billing fixed + variable",
            f"{result['both_s']:.2f} s",
            f"<= {BAR_S:.0f} s",
            "ok" if ok else "MISSED",
        ),
        (
            "billing fixed, second run",
            f"{result['refixed_s']:.2f} s ({result['refixed_new']} new)",
            "0 new",
            "ok" if result["refixed_new"] == 0 else "MISSED",
        ),
        (
            "billing variable, second run",
            f"{result['revariable_s']:.2f} s ({result['revariable_new']} new)",
            "0 new",
            "ok" if result["revariable_new"] == 0 else "MISSED",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    """Run only this section in its own database (devices with their events: the fixed part counts them)."""
    from bench.__main__ import main as bench_main

    args = list(sys.argv[1:] if argv is None else argv)
    if not any(a.startswith("--database-url") for a in args):
        from bench import db

        url = "postgres://postgres@127.0.0.1:5432/medtek_bench_billing" if db.postgres_reachable() else ""
        if url:
            args += ["--database-url", url]
    return bench_main([*args, "--only", "billing"])


if __name__ == "__main__":
    sys.exit(main())
