"""Every read of maintenance, scoped to the acting user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, DateField, Q
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from medtek.core.pagination import Page, keyset_page
from medtek.inventory.models import Device
from medtek.maintenance import key_figures as kf
from medtek.maintenance import rules
from medtek.maintenance.choices import TimeBasis, WorkOrderKind, WorkOrderStatus
from medtek.maintenance.models import (
    CMPriority,
    DevicePMState,
    PMClass,
    ProtocolRecord,
    ProtocolTemplate,
    WatchItem,
    WorkOrder,
)
from medtek.organizations.models import Organisation
from medtek.organizations.rules import Cap

OPEN = sorted(rules.OPEN_STATUSES)
FINISHED = [WorkOrderStatus.DONE, WorkOrderStatus.CLOSED]


# When work is due: a PM's due date, else the end of its resolution target, else the day it was reported.
DUE_KEY = Coalesce(
    "due_date",
    Cast("resolution_due_at", output_field=DateField()),
    Cast("reported_at", output_field=DateField()),
    output_field=DateField(),
)
SORTS = {"due": ["due_key", "id"], "-due": ["-due_key", "-id"]}


@dataclass
class WorkOrderFilter:
    """One filter set for the work-order list in the API and the HTML pages."""

    kind: str = ""
    state: str = ""  # "open", "finished", or a status
    customer: int | None = None
    device: int | None = None
    priority: str = ""
    mine: bool = False
    technician: int | None = None
    sort: str = ""  # "" newest first, "due" / "-due" by due date
    order: list[str] = field(default_factory=lambda: ["-id"])

    @classmethod
    def from_params(cls, params: Any) -> WorkOrderFilter:
        errors: dict[str, str] = {}
        kind = (params.get("kind") or "").strip()
        if kind and kind not in WorkOrderKind.values:
            errors["kind"] = _("'%(value)s' is not a kind of work order") % {"value": kind}
        state = (params.get("state") or params.get("status") or "").strip()
        if state and state not in {"open", "finished", *WorkOrderStatus.values}:
            errors["state"] = _("'%(value)s' is not a work-order state") % {"value": state}

        def as_int(name: str) -> int | None:
            raw = (params.get(name) or "").strip()
            if not raw:
                return None
            if not raw.isdigit():
                errors[name] = _("'%(value)s' is not a number") % {"value": raw}
                return None
            return int(raw)

        customer, device, technician = as_int("customer"), as_int("device"), as_int("technician")
        sort = (params.get("sort") or "").strip()
        if sort and sort not in SORTS:
            errors["sort"] = _("Sort by one of: %(sorts)s") % {"sorts": ", ".join(SORTS)}
        if errors:
            raise ValidationError(errors)
        mine = str(params.get("mine") or "").lower() in {"1", "true", "yes", "on"}
        return cls(
            kind=kind,
            state=state,
            customer=customer,
            device=device,
            priority=(params.get("priority") or "").strip(),
            mine=mine,
            technician=technician,
            sort=sort,
            order=list(SORTS.get(sort, ["-id"])),
        )

    def apply(self, qs: Any, user: Any) -> Any:
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.state == "open":
            qs = qs.filter(status__in=OPEN)
        elif self.state == "finished":
            qs = qs.filter(status__in=FINISHED)
        elif self.state:
            qs = qs.filter(status=self.state)
        if self.customer:
            qs = qs.filter(customer_id=self.customer)
        if self.device:
            qs = qs.filter(device_id=self.device)
        if self.priority:
            qs = qs.filter(priority__code=self.priority)
        if self.mine:
            qs = qs.filter(assigned_to_id=user.pk)
        if self.technician:
            qs = qs.filter(assigned_to_id=self.technician)
        if self.sort:
            qs = qs.annotate(due_key=DUE_KEY)
        return qs

    def as_query(self) -> dict[str, str]:
        """The non-empty filters as URL parameters (bookmarkable, and for the next page's link)."""
        values = {
            "kind": self.kind,
            "state": self.state,
            "customer": self.customer,
            "device": self.device,
            "priority": self.priority,
            "technician": self.technician,
            "sort": self.sort,
            "mine": "1" if self.mine else "",
        }
        return {k: str(v) for k, v in values.items() if v not in (None, "")}


def _related(qs: Any) -> Any:
    return qs.select_related("device__model", "customer", "location", "priority", "assigned_to")


def work_order_list(
    *, user: Any, filters: WorkOrderFilter, cursor: str | None = None, limit: int | None = None
) -> Page[WorkOrder]:
    qs = _related(filters.apply(WorkOrder.objects.visible_to(user), user))
    return keyset_page(qs, order=filters.order, cursor=cursor, limit=limit)


def work_order_get(*, user: Any, pk: int, capability: str = Cap.VIEW) -> WorkOrder:
    return _related(WorkOrder.objects).get_visible(user, capability, pk=pk)  # type: ignore[no-any-return]


def work_order_detail(*, user: Any, pk: int) -> dict[str, Any]:
    """A work order with its entries, protocols and SLA clocks (a fixed number of queries)."""
    wo = work_order_get(user=user, pk=pk)
    records = list(
        ProtocolRecord.objects.filter(work_order=wo)
        .select_related("template", "performed_by")
        .prefetch_related("template__items", "lines")
    )
    for rec in records:
        answered = {line.item_id: line for line in rec.lines.all()}
        rec.rows = [(item, answered.get(item.pk)) for item in rec.template.items.all()]  # type: ignore[attr-defined]
    time_entries = list(wo.time_entries.select_related("technician"))
    travel = list(wo.travel_entries.select_related("location"))
    material = list(wo.material_lines.all())
    return {
        "work_order": wo,
        "sla": sla(wo),
        "records": records,
        "time_entries": time_entries,
        "travel_entries": travel,
        "material_lines": material,
        "hours_total": sum((e.hours for e in time_entries), Decimal(0)),
        "travel_total": sum((e.cost for e in travel), Decimal(0)),
        "material_total": sum((m.amount for m in material), Decimal(0)),
    }


def sla(wo: WorkOrder, now: dt.datetime | None = None) -> dict[str, Any]:
    """Time to response and to resolution, against the priority's targets."""
    now = now or timezone.now()
    level: CMPriority | None = wo.priority
    working = bool(level and level.time_basis == TimeBasis.WORKING)
    start = wo.reported_at or wo.created_at
    responded = wo.accepted_at
    resolved = wo.done_at
    return {
        "priority": level.code if level else "",
        "working_time": working,
        "response_due_at": wo.response_due_at,
        "resolution_due_at": wo.resolution_due_at,
        "response_hours": rules.elapsed_hours(start, responded or now, working_time=working),
        "resolution_hours": rules.elapsed_hours(start, resolved or now, working_time=working),
        "response_state": rules.sla_state(wo.response_due_at, responded, now),
        "resolution_state": rules.sla_state(wo.resolution_due_at, resolved, now),
    }


def my_work(*, user: Any, limit: int = 100) -> list[WorkOrder]:
    """The technician's open work: assigned to them, most urgent first."""
    qs = _related(WorkOrder.objects.visible_to(user, Cap.WORK_DO)).filter(
        assigned_to_id=user.pk, status__in=OPEN
    )
    return list(qs.order_by("priority__rank", "pm_rank", "due_date", "id")[:limit])


def device_work(*, user: Any, device: Device) -> list[WorkOrder]:
    """Open work on one device (for the scan → device → start work flow)."""
    qs = _related(WorkOrder.objects.visible_to(user)).filter(device=device, status__in=OPEN)
    return list(qs.order_by("priority__rank", "due_date", "id")[:50])


def board(*, user: Any, limit_per_level: int = 50) -> list[dict[str, Any]]:
    """Open work by priority, each row with its SLA state (MT's board)."""
    now = timezone.now()
    base = _related(WorkOrder.objects.visible_to(user, Cap.WORK_DO)).filter(status__in=OPEN)
    columns: list[dict[str, Any]] = []
    for level in CMPriority.objects.all():
        rows = list(base.filter(priority=level).order_by("resolution_due_at", "id")[:limit_per_level])
        columns.append({"level": level, "rows": [(wo, sla(wo, now)) for wo in rows]})
    untriaged = list(
        base.filter(priority__isnull=True)
        .exclude(kind=WorkOrderKind.PM)
        .order_by("reported_at", "id")[:limit_per_level]
    )
    columns.append({"level": None, "rows": [(wo, sla(wo, now)) for wo in untriaged]})
    return columns


def pm_due_by_customer(
    *, user: Any, today: dt.date | None = None, horizon_days: int = 30
) -> list[dict[str, Any]]:
    """Per customer: devices with PM overdue, due within the horizon, and open PM work orders."""
    today = today or timezone.localdate()
    end = today + dt.timedelta(days=horizon_days)
    states = (
        kf.pm_states_in_register(user=user)
        .filter(next_due__isnull=False, next_due__lte=end)
        .values("owner_id")
        .annotate(
            overdue=Count("next_due", filter=kf.pm_overdue_filter(today)),
            due=Count("next_due", filter=Q(next_due__gte=today)),
        )
    )
    open_pm = (
        WorkOrder.objects.visible_to(user)
        .filter(kind=WorkOrderKind.PM, status__in=OPEN)
        .values("customer_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_date__lt=today)))
    )
    by_org: dict[int, dict[str, Any]] = {}
    for row in states:
        by_org.setdefault(row["owner_id"], {"overdue": 0, "due": 0, "open": 0, "late": 0}).update(
            overdue=row["overdue"], due=row["due"]
        )
    for row in open_pm:
        by_org.setdefault(row["customer_id"], {"overdue": 0, "due": 0, "open": 0, "late": 0}).update(
            open=row["n"], late=row["late"]
        )
    names = dict(Organisation.objects.filter(pk__in=by_org).values_list("pk", "name"))
    return sorted(
        ({"customer_id": k, "customer": names.get(k, ""), **v} for k, v in by_org.items()),
        key=lambda r: r["customer"],
    )


def pm_state_of(*, user: Any, device: Device) -> DevicePMState | None:
    return DevicePMState.objects.visible_to(user).select_related("pm_class").filter(device=device).first()


def device_protocols(*, user: Any, device: Device, limit: int = 20) -> list[ProtocolRecord]:
    return list(
        ProtocolRecord.objects.visible_to(user)
        .filter(device=device)
        .exclude(result="open")
        .select_related("template", "performed_by", "work_order")
        .order_by("-performed_at", "-id")[:limit]
    )


def watch_items(*, user: Any, open_only: bool = True, limit: int = 200) -> list[WatchItem]:
    qs = WatchItem.objects.visible_to(user).select_related(
        "device__owner", "device__model", "external_maintainer"
    )
    if open_only:
        qs = qs.filter(status="open")
    return list(qs.order_by("due_date", "id")[:limit])


def priority_models() -> dict[str, Any]:
    """The PM prioritisation model and the CM priority model (reference data everyone may read)."""
    return {"pm_classes": list(PMClass.objects.all()), "cm_levels": list(CMPriority.objects.all())}


def protocol_templates() -> list[ProtocolTemplate]:
    return list(ProtocolTemplate.objects.prefetch_related("items", "device_models"))


# --- key figures -----------------------------------------------------------------------------


def key_figures(*, user: Any, customer_id: int, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Key figures of one customer for the period [start, end], dates inclusive (docs/maintenance.md)."""
    if end < start:
        raise ValidationError({"end": _("The period ends before it starts.")})
    org = Organisation.objects.get_visible(user, Cap.VIEW, pk=customer_id)
    table = kf.by_customer(user=user, start=start, end=end, customer_ids=[org.pk])
    row = table["rows"][0] if table["rows"] else kf.with_rates({**kf._empty(org.pk), "statuses": {}})
    return {**row, "customer": org, "start": start, "end": end}


def work_order_filter_choices(*, user: Any) -> dict[str, Any]:
    """What the work-order list's filters offer this user: customers, technicians and priorities."""
    from django.contrib.auth import get_user_model

    from medtek.organizations.choices import Role
    from medtek.organizations.models import Membership
    from medtek.organizations.scoping import scope_for

    scope = scope_for(user)
    customers = list(Organisation.objects.visible_to(user).order_by("name").values_list("id", "name"))
    technicians: list[tuple[int, str]] = []
    if scope.can(Cap.WORK_DO):
        people = Membership.objects.filter(
            organisation_id__any_of=sorted(scope.home_org_ids),
            role__in=[Role.MT_TECHNICIAN, Role.MT_ADMIN, Role.HMC_STAFF],
        ).values_list("user_id", flat=True)
        technicians = [
            (u.pk, u.get_full_name() or u.username)
            for u in get_user_model().objects.filter(pk__in=people, is_active=True).order_by("username")
        ]
    priorities = list(CMPriority.objects.order_by("rank").values_list("code", "name"))
    return {"customers": customers, "technicians": technicians, "priorities": priorities}
