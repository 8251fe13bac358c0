"""Assistive devices (HMC): a centre that serves every owner, 30 % of the devices its items and a third
of those on loan; HMC's loan list and stock per article, and the monthly rent billing run.

As a section of `python -m bench` (`run(ctx)` on the generated devices), or on its own:
`python -m bench.assistive [--devices N]` makes its own PostgreSQL database `medtek_bench_assistive` (or
the `--database-url` given), generates the devices without events, measures and drops it again.

The bars (the assistive-device issue), at 1,000,000 devices of which 300,000 assistive and 100,000 open
loans: HMC's loan list (a page of 50) and stock per article p95 <= 15 ms; the monthly billing run <= 5 s.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from decimal import Decimal
from typing import Any

from bench.context import BenchContext
from bench.http import percentile

LIST_BAR_MS = 15.0
BILLING_BAR_S = 5.0
ASSISTIVE_SHARE = 0.3
LOAN_SHARE = 1 / 3
BATCH = 5000


def prepare(ctx: BenchContext) -> dict[str, Any]:
    """The centre, its articles (one per assistive model), items, prescribers, patients and loans."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from medtek.agreements.choices import AgreementKind
    from medtek.agreements.services import agreement_create
    from medtek.assistive import identity
    from medtek.assistive.models import Article, Item, Loan, Patient, Prescriber, Prescription
    from medtek.inventory.models import Device, DeviceModel
    from medtek.organizations.choices import OrganisationKind, Role
    from medtek.organizations.models import Membership, Organisation
    from medtek.organizations.system import system_actor

    with transaction.atomic():
        centre = Organisation.objects.create(
            name="Bench HMC", kind=OrganisationKind.MT_DEPARTMENT, short_code="BENCH-HMC"
        )
        Organisation.providers.through.objects.bulk_create(
            [
                Organisation.providers.through(from_organisation_id=o, to_organisation_id=centre.pk)
                for o in ctx.owner_ids
            ]
        )
        user = get_user_model().objects.create_user("bench-hmc", password="bench")
        Membership.objects.create(user=user, organisation=centre, role=Role.HMC_STAFF)
        models = ctx.model_ids[: max(1, round(len(ctx.model_ids) * ASSISTIVE_SHARE))]
        DeviceModel.objects.filter(pk__in=models).update(is_assistive=True)
        articles = Article.objects.bulk_create(
            [
                Article(
                    centre=centre,
                    device_model_id=m,
                    name=f"Article {i}",
                    iso_code=f"12 {i % 90 + 10:02d} 03",
                    monthly_rent=Decimal("150.00"),
                    price=Decimal("9000.00"),
                    needs_fitting=i % 2 == 0,
                    fitting_fee=Decimal("300.00"),
                )
                for i, m in enumerate(models)
            ]
        )
        by_model = {a.device_model_id: a.pk for a in articles}
        devices = list(
            Device.objects.filter(model_id__in=models)
            .order_by("pk")
            .values_list("pk", "model_id", "owner_id")
        )
        for start in range(0, len(devices), BATCH):
            Item.objects.bulk_create(
                [Item(device_id=d, article_id=by_model[m]) for d, m, _o in devices[start : start + BATCH]]
            )
        prescribers = {
            o: p.pk
            for o, p in zip(
                ctx.owner_ids,
                Prescriber.objects.bulk_create(
                    [
                        Prescriber(organisation_id=o, name=f"Förskrivare {o}", profession="ot")
                        for o in ctx.owner_ids
                    ]
                ),
                strict=True,
            )
        }
        token = identity.encrypt("19121212-1212")
        on_loan = devices[:: round(1 / LOAN_SHARE)]
        items = dict(
            Item.objects.filter(device_id__in=[d for d, _m, _o in on_loan]).values_list("device_id", "pk")
        )
        day = dt.date(2026, 1, 15)
        for start in range(0, len(on_loan), BATCH):
            chunk = on_loan[start : start + BATCH]
            patients = Patient.objects.bulk_create(
                [
                    Patient(
                        identity_encrypted=token,
                        identity_hash=f"bench-{d}",
                        identity_kind="personnummer",
                        organisation_id=o,
                    )
                    for d, _m, o in chunk
                ]
            )
            prescriptions = Prescription.objects.bulk_create(
                [
                    Prescription(
                        number=f"FS-B{d}",
                        prescriber_id=prescribers[o],
                        organisation_id=o,
                        patient_id=p.pk,
                        article_id=by_model[m],
                        need="Bench",
                        delivery_address="Bench",
                        prescribed_on=day,
                        status="dispensed",
                    )
                    for (d, m, o), p in zip(chunk, patients, strict=True)
                ]
            )
            Loan.objects.bulk_create(
                [
                    Loan(
                        prescription_id=p.pk,
                        item_id=items[d],
                        patient_id=p.patient_id,
                        organisation_id=o,
                        dispensed_on=day,
                        dispensed_by=user,
                        delivered_to="Bench",
                        fitted_on=day,
                        fitted=True,
                    )
                    for (d, _m, o), p in zip(chunk, prescriptions, strict=True)
                ]
            )
        Device.objects.filter(pk__in=[d for d, _m, _o in on_loan]).update(status="on_loan")
        agreement_create(
            user=system_actor(),
            provider=centre,
            seller=centre,
            reference="BENCH-HMC",
            title="Bench assistive agreement",
            valid_from=dt.date(2026, 1, 1),
            valid_until=dt.date(2027, 12, 31),
            customers=[(o, f"Ref {o}") for o in ctx.owner_ids],
            kind=AgreementKind.ASSISTIVE,
        )
    from bench import data

    data.analyze()
    return {"user": user, "items": len(devices), "loans": len(on_loan)}


def _p95_ms(fn: Any, n: int) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return round(percentile(times, 0.95), 2)


def run(ctx: BenchContext) -> dict[str, Any]:
    from medtek.assistive import selectors
    from medtek.assistive.billing import assistive_run
    from medtek.organizations.scoping import forget_scope
    from medtek.organizations.system import system_actor

    t = time.perf_counter()
    made = prepare(ctx)
    prepare_s = time.perf_counter() - t
    user = made["user"]
    forget_scope(user)
    n = min(100, getattr(ctx.args, "requests", 100) or 100)

    def loans(with_count: bool = False) -> None:
        page = selectors.loan_page(user=user, limit=50, with_count=with_count)
        [
            (loan.item.device.asset_number, loan.item.article.name, loan.organisation.name)
            for loan in page.items
        ]

    def loans_counted() -> None:
        loans(with_count=True)

    def stock() -> None:
        selectors.stock_per_article(user=user)

    loans_p95 = _p95_ms(loans, n)
    counted_p95 = _p95_ms(loans_counted, n)
    stock_p95 = _p95_ms(stock, max(5, n // 10))
    t = time.perf_counter()
    first = assistive_run(user=system_actor(), period="2026-03")
    billing_s = time.perf_counter() - t
    again = assistive_run(user=system_actor(), period="2026-03")
    return {
        "devices": ctx.devices,
        "items": made["items"],
        "loans": made["loans"],
        "prepare_s": round(prepare_s, 2),
        "loan_list_p95_ms": loans_p95,
        "loan_list_counted_p95_ms": counted_p95,
        "stock_p95_ms": stock_p95,
        "billing_s": round(billing_s, 2),
        "invoices": len(first.created),
        "rebilled_new": len(again.created) + len(again.updated),
    }


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [
        (
            f"HMC loan list, page of 50 ({result['loans']:,} open loans, {result['items']:,} items)",
            f"p95 {result['loan_list_p95_ms']:.2f} ms",
            f"<= {LIST_BAR_MS:.0f} ms",
            "ok" if result["loan_list_p95_ms"] <= LIST_BAR_MS else "MISSED",
        ),
        (
            "HMC loan list, first page counted (count=true, up to 1,000)",
            f"p95 {result.get('loan_list_counted_p95_ms', 0):.2f} ms",
            f"<= {LIST_BAR_MS:.0f} ms",
            "ok" if result.get("loan_list_counted_p95_ms", 0) <= LIST_BAR_MS else "MISSED",
        ),
        (
            "HMC stock per article",
            f"p95 {result['stock_p95_ms']:.2f} ms",
            f"<= {LIST_BAR_MS:.0f} ms",
            "ok" if result["stock_p95_ms"] <= LIST_BAR_MS else "MISSED",
        ),
        (
            "Assistive rent billing, one month",
            f"{result['billing_s']:.2f} s ({result['invoices']:,} invoices)",
            f"<= {BILLING_BAR_S:.0f} s",
            "ok" if result["billing_s"] <= BILLING_BAR_S else "MISSED",
        ),
        (
            "Assistive rent billing again (nothing new)",
            f"{result['rebilled_new']} new",
            "0 new",
            "ok" if result["rebilled_new"] == 0 else "MISSED",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    """Run only this section in its own database (devices without events)."""
    from bench.__main__ import main as bench_main

    args = list(sys.argv[1:] if argv is None else argv)
    if not any(a.startswith("--database-url") for a in args):
        from bench import db

        url = "postgres://postgres@127.0.0.1:5432/medtek_bench_assistive" if db.postgres_reachable() else ""
        if url:
            args += ["--database-url", url]
    return bench_main([*args, "--only", "assistive", "--events-per-device", "0"])


if __name__ == "__main__":
    sys.exit(main())
