"""API: work orders and their entries, protocols, PM state and planning, priority models, key figures."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from medtek.core.api import (
    ErrorOut,
    page_body,
)
from medtek.inventory.models import Device
from medtek.maintenance import key_figures as kf
from medtek.maintenance import selectors, services
from medtek.maintenance.models import ProtocolRecord, WatchItem
from medtek.maintenance.schemas import (
    AssignIn,
    CMModelIn,
    CompleteIn,
    ConfirmIn,
    DeviceStatusOut,
    KeyFiguresOut,
    KeyFiguresQuery,
    KeyFiguresTableOut,
    KeyFiguresTableQuery,
    MaterialLineIn,
    MaterialLineOut,
    OverrideIn,
    PlanIn,
    PlanOut,
    PMDueOut,
    PMDueQuery,
    PMModelIn,
    PMStateIn,
    PMStateOut,
    PriorityModelsOut,
    ProtocolRecordOut,
    ProtocolTemplateIn,
    ProtocolTemplateOut,
    ReportIn,
    ResultsIn,
    TimeEntryIn,
    TimeEntryOut,
    TravelEntryIn,
    TravelEntryOut,
    TriageIn,
    WatchItemOut,
    WorkOrderDetailOut,
    WorkOrderPage,
    WorkOrderQuery,
    WorkOrderStatusIn,
)
from medtek.organizations.rules import Cap

router = Router(tags=["maintenance"])
ERR = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _detail(request: HttpRequest, work_order_id: int) -> Any:
    data = selectors.work_order_detail(user=request.user, pk=work_order_id)
    wo = data["work_order"]
    wo.sla_data = data["sla"]
    wo.entries_time = data["time_entries"]
    wo.entries_travel = data["travel_entries"]
    wo.entries_material = data["material_lines"]
    wo.records_list = data["records"]
    return wo


# --- work orders -----------------------------------------------------------------------------


@router.get("/work-orders", response={200: WorkOrderPage, 422: ErrorOut})
def list_work_orders(request: HttpRequest, query: Query[WorkOrderQuery]) -> dict[str, Any]:
    """Work orders the user may see; `state` is open, finished or a status."""
    filters = selectors.WorkOrderFilter.from_params(
        {
            "kind": query.kind,
            "state": query.state,
            "customer": query.customer,
            "device": query.device,
            "priority": query.priority,
            "mine": str(query.mine),
            "technician": query.technician,
            "sort": query.sort,
        }
    )
    return page_body(
        selectors.work_order_list(user=request.user, filters=filters, cursor=query.cursor, limit=query.limit)
    )


@router.post("/work-orders", response={201: WorkOrderDetailOut, **ERR})
def report_work(request: HttpRequest, payload: ReportIn) -> tuple[int, Any]:
    """Report a fault (CM), ask for advice, a quality control or another assignment."""
    wo = services.work_order_report(
        user=request.user,
        kind=payload.kind,
        title=payload.title,
        description=payload.description,
        device=payload.device_id,
        customer=payload.customer_id,
        location=payload.location_id,
    )
    return 201, _detail(request, wo.pk)


@router.get("/work-orders/{work_order_id}", response={200: WorkOrderDetailOut, **ERR})
def get_work_order(request: HttpRequest, work_order_id: int) -> Any:
    return _detail(request, work_order_id)


@router.post("/work-orders/{work_order_id}/triage", response={200: WorkOrderDetailOut, **ERR})
def triage(request: HttpRequest, work_order_id: int, payload: TriageIn) -> dict[str, Any]:
    services.work_order_triage(
        user=request.user,
        work_order=work_order_id,
        priority=payload.priority,
        assigned_to=payload.assigned_to_id,
    )
    return _detail(request, work_order_id)


@router.post("/work-orders/{work_order_id}/assign", response={200: WorkOrderDetailOut, **ERR})
def assign(request: HttpRequest, work_order_id: int, payload: AssignIn) -> dict[str, Any]:
    services.work_order_assign(
        user=request.user, work_order=work_order_id, assigned_to=payload.assigned_to_id
    )
    return _detail(request, work_order_id)


@router.post("/work-orders/{work_order_id}/status", response={200: WorkOrderDetailOut, **ERR})
def set_status(request: HttpRequest, work_order_id: int, payload: WorkOrderStatusIn) -> dict[str, Any]:
    services.work_order_set_status(
        user=request.user,
        work_order=work_order_id,
        status=payload.status,
        waiting_reason=payload.waiting_reason,
        resolution=payload.resolution,
    )
    return _detail(request, work_order_id)


@router.post("/work-orders/{work_order_id}/start", response={200: WorkOrderDetailOut, **ERR})
def start(request: HttpRequest, work_order_id: int) -> dict[str, Any]:
    services.work_order_start(user=request.user, work_order=work_order_id)
    return _detail(request, work_order_id)


@router.post("/work-orders/{work_order_id}/complete", response={200: WorkOrderDetailOut, **ERR})
def complete(request: HttpRequest, work_order_id: int, payload: CompleteIn) -> dict[str, Any]:
    services.work_order_complete(user=request.user, work_order=work_order_id, resolution=payload.resolution)
    return _detail(request, work_order_id)


@router.post("/work-orders/{work_order_id}/close", response={200: WorkOrderDetailOut, **ERR})
def close(request: HttpRequest, work_order_id: int) -> dict[str, Any]:
    services.work_order_close(user=request.user, work_order=work_order_id)
    return _detail(request, work_order_id)


@router.post("/work-orders/{work_order_id}/time-entries", response={201: TimeEntryOut, **ERR})
def add_time(request: HttpRequest, work_order_id: int, payload: TimeEntryIn) -> tuple[int, Any]:
    entry = services.time_entry_add(user=request.user, work_order=work_order_id, **payload.dict())
    return 201, entry


@router.post("/work-orders/{work_order_id}/travel-entries", response={201: TravelEntryOut, **ERR})
def add_travel(request: HttpRequest, work_order_id: int, payload: TravelEntryIn) -> tuple[int, Any]:
    data = payload.dict()
    location = data.pop("location_id")
    entry = services.travel_entry_add(user=request.user, work_order=work_order_id, location=location, **data)
    return 201, entry


@router.post("/work-orders/{work_order_id}/material-lines", response={201: MaterialLineOut, **ERR})
def add_material(request: HttpRequest, work_order_id: int, payload: MaterialLineIn) -> tuple[int, Any]:
    line = services.material_line_add(user=request.user, work_order=work_order_id, **payload.dict())
    return 201, line


# --- protocols -------------------------------------------------------------------------------


@router.post("/protocol-records/{protocol_record_id}/results", response={200: ProtocolRecordOut, **ERR})
def record_results(request: HttpRequest, protocol_record_id: int, payload: ResultsIn) -> Any:
    """Record a protocol's results; `complete` false saves a draft (the checklist stays open)."""
    answers = {a.item_id: {"checked": a.checked, "value": a.value, "unit": a.unit} for a in payload.results}
    rec = services.protocol_record(
        user=request.user, record=protocol_record_id, results=answers, complete=payload.complete
    )
    return ProtocolRecord.objects.prefetch_related("lines").select_related("template").get(pk=rec.pk)


@router.get("/protocols", response=list[ProtocolTemplateOut])
def list_protocols(request: HttpRequest) -> list[Any]:
    return selectors.protocol_templates()


@router.post("/protocols", response={201: ProtocolTemplateOut, **ERR})
def create_protocol(request: HttpRequest, payload: ProtocolTemplateIn) -> tuple[int, Any]:
    template = services.protocol_template_create(
        user=request.user,
        code=payload.code,
        name=payload.name,
        description=payload.description,
        items=[i.dict() for i in payload.items],
        device_models=payload.device_model_ids,
    )
    return 201, template


# --- PM state and planning -------------------------------------------------------------------


@router.get("/devices/{device_id}/pm", response={200: PMStateOut, **ERR})
def device_pm(request: HttpRequest, device_id: int) -> Any:
    device = Device.objects.get_visible(request.user, Cap.VIEW, pk=device_id)
    state = selectors.pm_state_of(user=request.user, device=device)
    if state is None:
        return 404, {"detail": _("This device has no PM state yet."), "errors": {}}
    return state


@router.put("/devices/{device_id}/pm", response={200: PMStateOut, **ERR})
def set_device_pm(request: HttpRequest, device_id: int, payload: PMStateIn) -> Any:
    return services.pm_state_set(
        user=request.user,
        device=device_id,
        interval_override_months=payload.interval_override_months,
        last_done=payload.last_done,
    )


@router.get("/devices/{device_id}/protocols", response={200: list[ProtocolRecordOut], **ERR})
def device_protocol_history(request: HttpRequest, device_id: int) -> Any:
    device = Device.objects.get_visible(request.user, Cap.VIEW, pk=device_id)
    return selectors.device_protocols(user=request.user, device=device)


@router.post("/devices/{device_id}/override-block", response={200: DeviceStatusOut, **ERR})
def override_block(request: HttpRequest, device_id: int, payload: OverrideIn) -> Any:
    """MT admin: put a device a failed check blocked back in use without a passed check, with a reason."""
    return services.device_block_override(user=request.user, device=device_id, reason=payload.reason)


@router.post("/plan", response={201: PlanOut, **ERR})
def plan(request: HttpRequest, payload: PlanIn) -> tuple[int, Any]:
    """Create PM work orders for every device due within the horizon (idempotent)."""
    return 201, services.plan_maintenance(user=request.user, horizon_days=payload.horizon_days)


@router.get("/pm-due", response={200: list[PMDueOut], 422: ErrorOut})
def pm_due(request: HttpRequest, query: Query[PMDueQuery]) -> list[dict[str, Any]]:
    return selectors.pm_due_by_customer(user=request.user, horizon_days=query.horizon_days)


@router.get("/watch-items", response=list[WatchItemOut])
def list_watch_items(request: HttpRequest, open_only: bool = True) -> list[WatchItem]:
    return selectors.watch_items(user=request.user, open_only=open_only)


@router.post("/watch-items/{watch_item_id}/confirm", response={200: WatchItemOut, **ERR})
def confirm_watch_item(request: HttpRequest, watch_item_id: int, payload: ConfirmIn) -> Any:
    return services.watch_item_confirm(user=request.user, watch_item=watch_item_id, done_on=payload.done_on)


# --- priority models and key figures ---------------------------------------------------------


@router.get("/priority-models", response=PriorityModelsOut)
def priority_models(request: HttpRequest) -> dict[str, Any]:
    return selectors.priority_models()


@router.put("/priority-models/pm", response={200: PriorityModelsOut, **ERR})
def save_pm_model(request: HttpRequest, payload: PMModelIn) -> dict[str, Any]:
    services.pm_model_save(user=request.user, classes=[c.dict() for c in payload.classes])
    return selectors.priority_models()


@router.put("/priority-models/cm", response={200: PriorityModelsOut, **ERR})
def save_cm_model(request: HttpRequest, payload: CMModelIn) -> dict[str, Any]:
    services.cm_model_save(user=request.user, levels=[lv.dict() for lv in payload.levels])
    return selectors.priority_models()


@router.get("/key-figures", response={200: KeyFiguresOut, **ERR})
def key_figures(request: HttpRequest, q: Query[KeyFiguresQuery]) -> dict[str, Any]:
    """Key figures of one customer for a period (definitions in the documentation)."""
    data = selectors.key_figures(user=request.user, customer_id=q.customer, start=q.start, end=q.end)
    data["customer_id"] = data.pop("customer").pk
    return data


@router.get("/key-figures/customers", response={200: KeyFiguresTableOut, **ERR})
def key_figures_table(request: HttpRequest, q: Query[KeyFiguresTableQuery]) -> dict[str, Any]:
    """Key figures of every customer the user may see for a period, with the total row (same definitions)."""
    table = kf.by_customer(user=request.user, start=q.start, end=q.end)
    period = {"start": q.start, "end": q.end}
    total = {**table["total"], **period, "customer": _("Total")}
    return {**period, "rows": [{**r, **period} for r in table["rows"]], "total": total}
