"""`python -m bench [--devices N] [--database-url URL] ...`: generate, measure, report, clean up."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from bench import db
from bench.context import BenchContext

RESULTS = Path(__file__).resolve().parent / "results"
SECTIONS = ("register", "pm", "billing", "safety", "keyfigures", "notifications", "assistive")
# The bench's own key, shared with its gunicorn so sessions made here are valid there.
SECRET_KEY = "medtek-bench-only-" + "k" * 40


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        help="postgres://.../medtek_bench (name must contain 'bench') or sqlite:///path; "
        "default: PostgreSQL medtek_bench on 127.0.0.1 when it answers, else a temporary SQLite",
    )
    p.add_argument(
        "--devices",
        type=int,
        default=None,
        help="devices to generate (default 1,000,000 on PostgreSQL, 200,000 on SQLite)",
    )
    p.add_argument("--events-per-device", type=int, default=None, help="default 10 (PostgreSQL), 5 (SQLite)")
    p.add_argument("--owners", type=int, default=300, help="owner organisations (default 300)")
    p.add_argument("--import-rows", type=int, default=None, help="CSV rows imported (default 100,000)")
    p.add_argument("--xlsx-rows", type=int, default=None, help="XLSX rows imported (default 20,000)")
    p.add_argument("--requests", type=int, default=300, help="sequential requests per latency figure")
    p.add_argument("--threads", type=int, default=4, help="client threads for the throughput figure")
    p.add_argument("--duration", type=float, default=10.0, help="seconds of the throughput run")
    p.add_argument("--max-requests", type=int, default=50000, help="cap on requests of the throughput run")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    p.add_argument(
        "--worker-class", default="gthread", help="gunicorn worker class (default gthread, as production)"
    )
    p.add_argument("--worker-threads", type=int, default=4, help="threads per gthread worker (default 4)")
    p.add_argument(
        "--compare-sync",
        action="store_true",
        help="register: also measure the first page and the throughput with gunicorn's sync workers",
    )
    p.add_argument("--only", default=",".join(SECTIONS), help="sections to run, e.g. register,pm")
    p.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    p.add_argument(
        "--reuse", action="store_true", help="reuse a database kept by --keep instead of generating"
    )
    p.add_argument("--output", default="", help="JSON file to write (default bench/results/<time>.json)")
    return p.parse_args(argv)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "medtek.config.settings.base"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["SECRET_KEY"] = SECRET_KEY
    os.environ.setdefault("MEDTEK_PATIENT_KEY", "medtek-bench-only-patient-key-" + "p" * 20)
    import django

    django.setup()


def table(lines: list[tuple[str, str, str, str]]) -> str:
    widths = [max(len(row[i]) for row in lines) for i in range(4)]
    return "\n".join("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in lines)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    work_dir = tempfile.mkdtemp(prefix="medtek-bench-")
    url = args.database_url or db.default_url(work_dir)
    vendor = db.vendor_of(url)
    pg = vendor == "postgresql"
    if args.devices is None:
        args.devices = 1_000_000 if pg else 200_000
    if args.events_per_device is None:
        args.events_per_device = 10 if pg else 5
    if args.import_rows is None:
        args.import_rows = min(100_000, max(100, args.devices // 10))
    if args.xlsx_rows is None:
        args.xlsx_rows = min(20_000, max(50, args.devices // 50))
    ctx = BenchContext(args=args, database_url=url, vendor=vendor, work_dir=work_dir)
    result: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cores": os.cpu_count(),
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "database": vendor,
    }
    print(f"bench: {vendor} at {url}; {args.devices:,} devices, {args.events_per_device} events each")
    reused = args.reuse and db.exists(url)
    try:
        if not reused:
            db.create(url)
        setup_django(url)
        from django.core.management import call_command
        from django.db import connection

        if pg:
            with connection.cursor() as cur:
                cur.execute("SHOW server_version")
                result["machine"]["postgresql"] = cur.fetchone()[0]
        call_command("migrate", verbosity=0)
        from bench import data

        if reused:
            print("bench: reusing the kept database")
            data.load_existing(ctx)
        else:
            print("bench: generating ...")
            data.generate(
                ctx,
                devices=args.devices,
                owners=args.owners,
                events_per_device=args.events_per_device,
                say=print,
            )
        result.update(
            devices=ctx.devices,
            events=ctx.events,
            owners=len(ctx.owner_ids),
            generate_s=ctx.timings.get("generate_s"),
        )
        only = [s.strip() for s in args.only.split(",") if s.strip()]
        lines: list[tuple[str, str, str, str]] = [("figure", "value", "bar", "verdict")]
        for name in only:
            try:
                module = importlib.import_module(f"bench.{name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"bench.{name}":
                    raise
                continue
            started = time.perf_counter()
            try:
                result[name] = module.run(ctx)
            except Exception:
                traceback.print_exc()
                result[name] = {"error": traceback.format_exc(limit=3)}
                lines.append((name, "FAILED", "-", "-"))
                continue
            result[name]["section_s"] = round(time.perf_counter() - started, 1)
            if hasattr(module, "rows"):
                lines.extend(module.rows(result[name]))
        out = (
            Path(args.output) if args.output else RESULTS / f"{time.strftime('%Y%m%d-%H%M%S')}-{vendor}.json"
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2, default=str))
        print()
        print(f"{ctx.devices:,} devices, {ctx.events:,} events, {len(ctx.owner_ids)} owners on {vendor}")
        print(table(lines))
        print(f"\nwritten: {out}")
        return 1 if any(isinstance(v, dict) and "error" in v for v in result.values()) else 0
    finally:
        if not args.keep:
            try:
                from django.db import connections

                connections.close_all()
            except Exception:  # Django may not be set up when creating the database failed
                pass
            db.drop(url)
        if not args.keep:
            shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
