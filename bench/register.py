"""The register's figures: import rows/s, device list API latency and throughput, worker memory,
device detail latency and the as-of count per owner."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import http
from bench.context import BenchContext


def _import_file_rows(ctx: BenchContext, n: int, prefix: str) -> list[list[str]]:
    from medtek.inventory.models import DeviceModel

    names = dict(DeviceModel.objects.filter(pk__in=ctx.model_ids).values_list("pk", "name"))
    model_names = [names[pk] for pk in ctx.model_ids]
    rows = []
    for i in range(n):
        owner = i % len(ctx.owner_codes)
        rows.append(
            [
                f"{prefix}{i:08d}",
                model_names[i % len(model_names)],
                ctx.owner_codes[owner],
                f"U{i % max(1, ctx.locations_per_owner):02d}",
                f"IMS{i:09d}",
                "in_use" if i % 10 else "under_repair",
                (dt.date(2016, 1, 1) + dt.timedelta(days=i % 3000)).isoformat(),
                f"{1000 + i % 50000},{i % 100:02d}",
                "ja" if i % 9 == 0 else "nej",
            ]
        )
    return rows


IMPORT_HEADER = [
    "asset_number",
    "model",
    "owner",
    "location",
    "serial_number",
    "status",
    "acquisition_date",
    "acquisition_value",
    "stores_patient_data",
]


def bench_import(ctx: BenchContext, rows: int, xlsx_rows: int) -> dict[str, Any]:
    from openpyxl import Workbook

    from medtek.inventory.importer import import_devices

    out: dict[str, Any] = {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(IMPORT_HEADER)
    run_tag = f"{int(time.time()) % 100000:05d}"
    writer.writerows(_import_file_rows(ctx, rows, f"IC{run_tag}-"))
    data = buffer.getvalue().encode()
    started = time.perf_counter()
    report = import_devices(user=ctx.admin, data=data, filename="bench.csv")
    seconds = time.perf_counter() - started
    if not report.ok or report.created != rows:
        raise RuntimeError(f"the bench CSV import failed: {report.errors[:5]}")
    out["csv"] = {"rows": rows, "seconds": round(seconds, 3), "rows_per_s": round(rows / seconds)}

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Devices")
    sheet.append(IMPORT_HEADER)
    for row in _import_file_rows(ctx, xlsx_rows, f"IX{run_tag}-"):
        sheet.append(row)
    xbuf = io.BytesIO()
    book.save(xbuf)
    started = time.perf_counter()
    report = import_devices(user=ctx.admin, data=xbuf.getvalue(), filename="bench.xlsx")
    seconds = time.perf_counter() - started
    if not report.ok or report.created != xlsx_rows:
        raise RuntimeError(f"the bench XLSX import failed: {report.errors[:5]}")
    out["xlsx"] = {"rows": xlsx_rows, "seconds": round(seconds, 3), "rows_per_s": round(xlsx_rows / seconds)}
    return out


def bench_as_of(ctx: BenchContext) -> dict[str, Any]:
    from django.utils import timezone

    from medtek.inventory.selectors import device_counts_as_of

    day = timezone.localdate()
    started = time.perf_counter()
    counts = device_counts_as_of(user=ctx.admin, day=day)
    all_owners = time.perf_counter() - started
    started = time.perf_counter()
    device_counts_as_of(user=ctx.admin, day=dt.date(2020, 6, 30), owner_ids=ctx.owner_ids[:1])
    one_owner = time.perf_counter() - started
    return {
        "all_owners_s": round(all_owners, 3),
        "one_owner_s": round(one_owner, 3),
        "owners": len(counts),
        "devices_counted": sum(counts.values()),
    }


def _session_cookie(user: Any) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _page(name: str, **kwargs: Any) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def _paths(ctx: BenchContext) -> dict[str, list[str]]:
    from medtek.core.pagination import _encode
    from medtek.inventory.models import Device

    n = max(ctx.devices, 1)
    deep = []
    for fraction in (0.5, 0.75, 0.9, 0.33):
        asset = f"BA{max(1, int(n * fraction)):08d}"
        pk = Device.objects.filter(asset_number=asset).values_list("pk", flat=True).first()
        if pk is not None:
            cursor = _encode([asset, pk], 10000, False, ["asset_number", "pk"], "inventory.Device")
            deep.append(f"/api/v1/devices?limit=50&cursor={cursor}")
    # Asset-number prefixes matching about a thousand devices each, and serial-number prefixes.
    searches = [f"/api/v1/devices?limit=50&q={f'BA{int(n * f):08d}'[:7]}" for f in (0.1, 0.6)]
    searches += ["/api/v1/devices?limit=50&q=S1234", "/api/v1/devices?limit=50&q=s0077"]
    # Devices by what people call them: a device type (a tenth of the register), a manufacturer's
    # name (a fortieth), a placement's code (a tenth).
    words = [
        "/api/v1/devices?limit=50&q=defibrillator",
        "/api/v1/devices?limit=50&q=Tillverkare%2007",
        "/api/v1/devices?limit=50&q=U03",
    ]
    owners = ctx.owner_ids
    return {
        "first_page": ["/api/v1/devices?limit=50"],
        "filtered_page": [
            f"/api/v1/devices?limit=50&owner={owners[i * 37 % len(owners)]}&status=in_use" for i in range(5)
        ],
        "deep_page": deep,
        "search": searches,
        "word_search": words,
    }


def _reanalyze(statistics_target: int | None = None) -> None:
    """Fresh planner statistics for the register, optionally at another `default_statistics_target`:
    the search must keep its plan whatever the statistics say (a plan that walked the asset-number
    index after an ANALYZE took 1,152 ms for one search at 1,000,000 devices)."""
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor != "postgresql":
            cur.execute("ANALYZE")
            return
        if statistics_target is not None:
            cur.execute(f"SET default_statistics_target = {int(statistics_target)}")
        cur.execute("ANALYZE inventory_device")
        cur.execute("RESET default_statistics_target")


def bench_http(ctx: BenchContext) -> dict[str, Any]:
    from medtek.inventory.models import Device
    from medtek.organizations.services import token_create

    args = ctx.args
    work = Path(ctx.work_dir)
    env = {
        "DJANGO_SETTINGS_MODULE": "medtek.config.settings.production",
        "SECRET_KEY": os.environ["SECRET_KEY"],
        "MEDTEK_PATIENT_KEY": os.environ.get("MEDTEK_PATIENT_KEY") or os.environ["SECRET_KEY"] * 2,
        "DATABASE_URL": ctx.database_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MEDTEK_VAR_DIR": str(work),
        "DJANGO_DEBUG": "0",
        "LOG_LEVEL": "ERROR",
        # Plain HTTP on loopback, as behind the TLS proxy production has: no redirect to https.
        "MEDTEK_SSL_REDIRECT": "0",
    }
    subprocess.run(
        [sys.executable, "-m", "medtek", "collectstatic", "--noinput", "-v", "0"],
        env={**os.environ, **env},
        check=True,
    )
    _t, admin_key = token_create(username=ctx.admin.username, name="bench")
    _t, contact_key = token_create(username=ctx.contact.username, name="bench")
    admin = {"Authorization": f"Bearer {admin_key}"}
    contact = {"Authorization": f"Bearer {contact_key}"}
    paths = _paths(ctx)
    sample = list(Device.objects.order_by("pk").values_list("pk", flat=True)[:1][:1])
    device_ids = [sample[0] + (ctx.devices * i) // 7 for i in range(7)] if sample else []
    html_detail = _page("inventory:device_detail", device_id=device_ids[0]) if device_ids else None
    html_list = _page("inventory:device_list")
    if html_detail:
        detail_paths = [str(_page("inventory:device_detail", device_id=i)) for i in device_ids]
        detail_headers = {"Cookie": _session_cookie(ctx.admin)}
        detail_kind = "html"
    else:
        detail_paths = [f"/api/v1/devices/{i}" for i in device_ids]
        detail_headers = admin
        detail_kind = "api"
    out: dict[str, Any] = {"detail_kind": detail_kind}
    with http.gunicorn(env, workers=args.workers, log=work / "gunicorn.log") as (port, proc):
        n = args.requests
        for name, group in paths.items():
            out[name] = http.latency(port, group, admin, requests=n)
        out["customer_first_page"] = http.latency(port, ["/api/v1/devices?limit=50"], contact, requests=n)
        out["detail"] = http.latency(port, detail_paths, detail_headers, requests=n)
        if html_list:
            out["html_list"] = http.latency(
                port, [html_list], {"Cookie": _session_cookie(ctx.admin)}, requests=n
            )
        # The searches again right after a fresh ANALYZE, then after ANALYZEs at a coarse and a fine
        # statistics target (the plan must not depend on what the sample happened to see).
        searches = paths["search"] + paths["word_search"]
        for label, target in (("after_analyze", None), ("stats_10", 10), ("stats_1000", 1000)):
            _reanalyze(target)
            out[f"search_{label}"] = http.latency(port, searches, admin, requests=n)
        _reanalyze()
        mix = [p for group in paths.values() for p in group]
        out["throughput"] = http.throughput(
            port, mix, admin, threads=args.threads, seconds=args.duration, max_requests=args.max_requests
        )
        rss = http.worker_rss_mib(proc.pid)
        out["worker_rss_mib"] = max(rss) if rss else None
        out["worker_rss_all_mib"] = rss
    return out


def run(ctx: BenchContext) -> dict[str, Any]:
    args = ctx.args
    say = print
    result: dict[str, Any] = {}
    if args.import_rows:
        say(f"register: import {args.import_rows:,} CSV rows and {args.xlsx_rows:,} XLSX rows ...")
        result["import"] = bench_import(ctx, args.import_rows, args.xlsx_rows)
        from bench.data import analyze

        analyze()
    say("register: as-of counts ...")
    result["as_of"] = bench_as_of(ctx)
    say(f"register: HTTP against gunicorn ({args.workers} workers) ...")
    result["http"] = bench_http(ctx)
    return result


BARS = {
    "list_p95_ms": 15.0,
    "requests_per_s": 300.0,
    "worker_rss_mib": 150.0,
    "import_rows_per_s": 20000.0,
    "page_p50_ms": 30.0,
    "page_p95_ms": 100.0,
}


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(figure, value, bar, verdict) lines for the printed table."""
    out: list[tuple[str, str, str, str]] = []

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    imp = result.get("import") or {"csv": {"rows": 0, "rows_per_s": 0}, "xlsx": {"rows": 0, "rows_per_s": 0}}
    out.append(
        (
            f"import CSV ({imp['csv']['rows']:,} rows)",
            f"{imp['csv']['rows_per_s']:,} rows/s",
            ">= 20,000 rows/s",
            verdict(imp["csv"]["rows_per_s"] >= BARS["import_rows_per_s"]),
        )
    )
    out.append(
        (
            f"import XLSX ({imp['xlsx']['rows']:,} rows)",
            f"{imp['xlsx']['rows_per_s']:,} rows/s",
            ">= 20,000 rows/s",
            verdict(imp["xlsx"]["rows_per_s"] >= BARS["import_rows_per_s"]),
        )
    )
    h = result["http"]
    for name in (
        "first_page",
        "filtered_page",
        "deep_page",
        "search",
        "word_search",
        "search_after_analyze",
        "search_stats_10",
        "search_stats_1000",
        "customer_first_page",
    ):
        if name in h:
            f = h[name]
            out.append(
                (
                    f"API {name.replace('_', ' ')}",
                    f"p50 {f['p50_ms']} ms, p95 {f['p95_ms']} ms",
                    "p95 <= 15 ms",
                    verdict(f["p95_ms"] <= BARS["list_p95_ms"]),
                )
            )
    d = h["detail"]
    label = "detail page (HTML)" if h["detail_kind"] == "html" else "detail (API)"
    out.append(
        (
            label,
            f"p50 {d['p50_ms']} ms, p95 {d['p95_ms']} ms",
            "p50 <= 30, p95 <= 100 ms",
            verdict(d["p50_ms"] <= BARS["page_p50_ms"] and d["p95_ms"] <= BARS["page_p95_ms"]),
        )
    )
    if "html_list" in h:
        f = h["html_list"]
        out.append(
            (
                "list page (HTML)",
                f"p50 {f['p50_ms']} ms, p95 {f['p95_ms']} ms",
                "p50 <= 30, p95 <= 100 ms",
                verdict(f["p50_ms"] <= BARS["page_p50_ms"] and f["p95_ms"] <= BARS["page_p95_ms"]),
            )
        )
    t = h["throughput"]
    out.append(
        (
            f"throughput ({t['threads']} clients)",
            f"{t['requests_per_s']} req/s",
            ">= 300 req/s",
            verdict(t["requests_per_s"] >= BARS["requests_per_s"]),
        )
    )
    rss = h["worker_rss_mib"]
    out.append(
        ("worker RSS", f"{rss} MiB", "<= 150 MiB", verdict(rss is not None and rss <= BARS["worker_rss_mib"]))
    )
    a = result["as_of"]
    out.append(("as-of count, all owners", f"{a['all_owners_s']} s", "-", "-"))
    out.append(("as-of count, one owner", f"{a['one_owner_s']} s", "-", "-"))
    return out
