"""Every read of the assistive-device centre, scoped to the acting user; patient identities only through
`patient_identity`, which writes the access log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils import timezone

from medtek.assistive import identity
from medtek.assistive.models import (
    Article,
    Item,
    ItemCount,
    Loan,
    Patient,
    PatientAccess,
    Prescriber,
    Prescription,
)
from medtek.billing.models import Invoice
from medtek.core.pagination import Page, keyset_page
from medtek.inventory.choices import DeviceStatus
from medtek.inventory.models import DeviceModel
from medtek.maintenance.choices import WorkOrderStatus
from medtek.maintenance.models import WorkOrder
from medtek.organizations.models import Organisation
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for


def patient_identity(*, user: Any, patient: Patient | int, purpose: str, reference: str = "") -> str | None:
    """The patient's personnummer for a user allowed to see it (HMC, the prescriber's organisation), with
    an access-log row for the look; None (and no row) for anyone else."""
    pk = patient.pk if isinstance(patient, Patient) else patient
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


# A loan list's columns: the loan's own, its prescription's number, its item's asset number and the names
# of its article and organisation, all in the page's one query (joins by primary key under the LIMIT).
LOAN_LIST_COLUMNS = (
    "id",
    "prescription_id",
    "prescription__number",
    "patient_id",
    "organisation_id",
    "item_id",
    "item__device_id",
    "item__article_id",
    "item__device__asset_number",
    "item__article__name",
    "item__article__centre_id",
    "organisation__name",
    "dispensed_on",
    "delivered_to",
    "fitted_on",
    "fitted",
    "due_back_on",
    "returned_on",
    "return_condition",
    "reconditioning_id",
)
# A list of loans counts at most this many (then "1,000+"): counting every open loan of a centre that
# serves a whole region was most of the first page's time.
LOAN_COUNT_CAP = 1000


def loan_list(
    *, user: Any, open_only: bool = True, overdue: bool = False, today: dt.date | None = None
) -> QuerySet[Loan]:
    rows = (
        Loan.objects.visible_to(user)
        .select_related("prescription", "item__device", "item__article", "organisation")
        .only(*LOAN_LIST_COLUMNS)
    )
    if open_only or overdue:
        rows = rows.filter(returned_on__isnull=True)
    if overdue:
        rows = rows.filter(due_back_on__lt=today or timezone.localdate())
    return rows.order_by("-dispensed_on", "-id")


def loan_page(
    *,
    user: Any,
    open_only: bool = True,
    overdue: bool = False,
    cursor: str | None = None,
    limit: int | None = None,
    with_count: bool = False,
) -> Page[Loan]:
    """A page of loans, newest first (the API's and the bench's); counted, up to LOAN_COUNT_CAP, only
    when asked."""
    rows = loan_list(user=user, open_only=open_only, overdue=overdue).order_by()
    return keyset_page(
        rows, order=["-id"], cursor=cursor, limit=limit, count_cap=LOAN_COUNT_CAP, with_count=with_count
    )


@dataclass(frozen=True)
class StockLine:
    article: Article
    in_stock: int
    on_loan: int
    reconditioning: int
    out_of_use: int


# The device statuses each column of the stock counts.
STOCK_COLUMNS: dict[str, tuple[str, ...]] = {
    "in_stock": (DeviceStatus.IN_STOCK,),
    "on_loan": (DeviceStatus.ON_LOAN,),
    "recond": (DeviceStatus.RETURNED, DeviceStatus.RECONDITIONING),
    "out": (DeviceStatus.BLOCKED, DeviceStatus.UNDER_REPAIR, DeviceStatus.OUT_OF_SERVICE),
}
COLUMN_OF_STATUS: dict[str, str] = {
    status: column for column, statuses in STOCK_COLUMNS.items() for status in statuses
}


def stock_per_article(*, user: Any) -> list[StockLine]:
    """Per article of the centres the user manages: items in stock, on loan, in reconditioning, out of use.

    From the kept counts of items per article and device status (assistive.kept_counts), scoped as the
    items are: a few rows per article, whatever the number of items."""
    kept = ItemCount.objects.visible_to(user, Cap.ASSISTIVE_MANAGE).filter(
        n__gt=0, status__in=sorted(COLUMN_OF_STATUS)
    )
    counts: dict[int, dict[str, int]] = {}
    for r in kept.values("article_id", "status").annotate(total=Sum("n")).order_by():
        per_article = counts.setdefault(r["article_id"], {})
        column = COLUMN_OF_STATUS[r["status"]]
        per_article[column] = per_article.get(column, 0) + int(r["total"])
    managed = scope_for(user).org_ids(Cap.ASSISTIVE_MANAGE)
    arts = (
        Article.objects.all()
        if scope_for(user).is_superuser
        else Article.objects.filter(centre_id__in=managed)
    )
    out = []
    for art in arts.select_related("device_model").order_by("iso_code", "name"):
        row: Mapping[str, Any] = counts.get(art.pk, {})
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


AWAITING_DECISION_STATUSES = (DeviceStatus.BLOCKED, DeviceStatus.UNDER_REPAIR)


def failed_reconditionings(*, user: Any) -> QuerySet[Loan]:
    """Returned items whose reconditioning failed and that wait for HMC's decision (repair, surplus or
    scrapping)."""
    return (
        Loan.objects.visible_to(user, Cap.ASSISTIVE_MANAGE)
        .filter(
            reconditioning__approved=False,
            decision="",
            item__device__status__in=AWAITING_DECISION_STATUSES,
        )
        .select_related("item__device", "item__article", "reconditioning", "organisation")
        .order_by("returned_on", "id")
    )


def awaits_decision(loan: Loan) -> bool:
    """The loan's reconditioning failed and HMC has not decided yet."""
    return bool(
        loan.reconditioning_id
        and not loan.decision
        and loan.item.device.status in AWAITING_DECISION_STATUSES
        and WorkOrder.objects.filter(pk=loan.reconditioning_id, approved=False).exists()
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
