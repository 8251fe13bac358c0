"""Every read of the assistive-device centre, scoped to the acting user; patient identities only through
`patient_identity`, which writes the access log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from medtek.assistive import identity
from medtek.assistive.models import Article, Item, Loan, Patient, PatientAccess, Prescriber, Prescription
from medtek.billing.models import Invoice
from medtek.inventory.choices import DeviceStatus
from medtek.inventory.models import DeviceModel
from medtek.maintenance.choices import WorkOrderStatus
from medtek.organizations.models import Organisation
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for


def patient_identity(*, user: Any, patient: Patient | int, purpose: str, reference: str = "") -> str | None:
    """The patient's personnummer for a user allowed to see it (HMC, the prescriber's organisation), with
    an access-log row for the look; None (and no row) for anyone else."""
    pk = getattr(patient, "pk", patient)
    found = Patient.objects.visible_to(user, Cap.PATIENT_VIEW).filter(pk=pk).first()
    if found is None:
        return None
    PatientAccess.objects.create(user=user, patient=found, purpose=purpose, reference=reference[:40])
    return identity.decrypt(found.identity_encrypted)


def may_see_patients(user: Any) -> bool:
    return scope_for(user).can(Cap.PATIENT_VIEW)


def prescriber_of(user: Any) -> Prescriber | None:
    return Prescriber.objects.filter(user=user).select_related("organisation").first()


def articles(*, user: Any) -> QuerySet[Article]:
    return Article.objects.visible_to(user).select_related("centre", "device_model")


def article_get(*, user: Any, pk: Any) -> Article:
    return Article.objects.select_related("centre", "device_model").get_visible(user, Cap.VIEW, pk=pk)


def managed_centres(*, user: Any) -> list[Organisation]:
    """The centres whose catalogue the user manages (their own organisations where they are HMC staff)."""
    scope = scope_for(user)
    ids = [o for o in scope.home_org_ids if scope.can(Cap.ASSISTIVE_MANAGE, o)]
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def assistive_models() -> QuerySet[DeviceModel]:
    """Models of assistive device (reference data every user reads), for a new article."""
    return DeviceModel.objects.filter(is_assistive=True).select_related("manufacturer").order_by("name")


def run_invoices(*, user: Any, result: Any) -> list[Invoice]:
    """The invoices a billing run drafted, refreshed or left unchanged, as the user sees them."""
    ids = [*result.created, *result.updated, *result.unchanged]
    return list(
        Invoice.objects.visible_to(user)
        .filter(pk__in=ids)
        .select_related("customer")
        .order_by("number", "pk")
    )


def item_get(*, user: Any, pk: Any) -> Item:
    return Item.objects.select_related("device", "article").get_visible(user, Cap.VIEW, pk=pk)


def article_items(*, user: Any, article: Article) -> QuerySet[Item]:
    """The article's items the user reaches, by asset number."""
    return (
        Item.objects.visible_to(user)
        .filter(article=article)
        .select_related("device")
        .order_by("device__asset_number")
    )


def prescription_get(*, user: Any, pk: Any, capability: str = Cap.VIEW) -> Prescription:
    return Prescription.objects.select_related(
        "prescriber", "organisation", "article", "delivery_unit"
    ).get_visible(user, capability, pk=pk)


def prescription_list(*, user: Any, status: str = "") -> QuerySet[Prescription]:
    rows = Prescription.objects.visible_to(user).select_related("prescriber", "organisation", "article")
    return rows.filter(status=status) if status else rows


def loan_get(*, user: Any, pk: Any) -> Loan:
    return Loan.objects.select_related(
        "item__device", "item__article", "prescription__prescriber", "organisation"
    ).get_visible(user, Cap.VIEW, pk=pk)


def loan_list(
    *, user: Any, open_only: bool = True, overdue: bool = False, today: dt.date | None = None
) -> QuerySet[Loan]:
    rows = Loan.objects.visible_to(user).select_related(
        "item__device", "item__article", "prescription__prescriber", "organisation"
    )
    if open_only or overdue:
        rows = rows.filter(returned_on__isnull=True)
    if overdue:
        rows = rows.filter(due_back_on__lt=today or timezone.localdate())
    return rows.order_by("-dispensed_on", "-id")


@dataclass(frozen=True)
class StockLine:
    article: Article
    in_stock: int
    on_loan: int
    reconditioning: int
    out_of_use: int


def stock_per_article(*, user: Any) -> list[StockLine]:
    """Per article of the centres the user manages: items in stock, on loan, in reconditioning, out of use."""
    items = Item.objects.visible_to(user, Cap.ASSISTIVE_MANAGE)
    counts = {
        row["article_id"]: row
        for row in items.values("article_id").annotate(
            in_stock=Count("pk", filter=Q(device__status=DeviceStatus.IN_STOCK)),
            on_loan=Count("pk", filter=Q(device__status=DeviceStatus.ON_LOAN)),
            recond=Count(
                "pk", filter=Q(device__status__in=[DeviceStatus.RETURNED, DeviceStatus.RECONDITIONING])
            ),
            out=Count(
                "pk",
                filter=Q(
                    device__status__in=[
                        DeviceStatus.BLOCKED,
                        DeviceStatus.UNDER_REPAIR,
                        DeviceStatus.OUT_OF_SERVICE,
                    ]
                ),
            ),
        )
    }
    managed = scope_for(user).org_ids(Cap.ASSISTIVE_MANAGE)
    arts = (
        Article.objects.all()
        if scope_for(user).is_superuser
        else Article.objects.filter(centre_id__in=managed)
    )
    out = []
    for art in arts.select_related("device_model").order_by("iso_code", "name"):
        row = counts.get(art.pk, {})
        out.append(
            StockLine(
                art, row.get("in_stock", 0), row.get("on_loan", 0), row.get("recond", 0), row.get("out", 0)
            )
        )
    return out


def returns_waiting(*, user: Any) -> QuerySet[Loan]:
    """Returned items whose reconditioning is not done yet."""
    return (
        Loan.objects.visible_to(user, Cap.ASSISTIVE_MANAGE)
        .filter(reconditioning__isnull=False)
        .exclude(
            reconditioning__status__in=(
                WorkOrderStatus.DONE,
                WorkOrderStatus.CLOSED,
                WorkOrderStatus.CANCELLED,
            )
        )
        .select_related("item__device", "item__article", "reconditioning", "organisation")
        .order_by("returned_on", "id")
    )


def item_in_stock(*, user: Any, article: Article) -> QuerySet[Item]:
    return (
        Item.objects.visible_to(user, Cap.ASSISTIVE_MANAGE)
        .filter(article=article, device__status=DeviceStatus.IN_STOCK)
        .select_related("device")
        .order_by("device__asset_number")
    )


def access_log(*, user: Any, patient: Patient | int | None = None) -> QuerySet[PatientAccess]:
    """Who looked at which patient (by id), when and why — never the identity itself."""
    rows = PatientAccess.objects.visible_to(user).select_related("user")
    if patient is not None:
        rows = rows.filter(patient_id=getattr(patient, "pk", patient))
    return rows
