"""API: field safety notices, their affected devices (search, manufacturer's list, findings, work
orders, blocking, acknowledgement, report) and incidents with their assessment."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Path, Query, Router
from ninja.files import UploadedFile

from medtek.core.api import ErrorOut, page_body
from medtek.core.downloads import download
from medtek.organizations.rules import Cap
from medtek.safety import selectors, services
from medtek.safety.affected_list import MAX_BYTES
from medtek.safety.models import SafetyNotice
from medtek.safety.schemas import (
    MAX_ID,
    AffectedPage,
    IncidentPage,
    NoticePage,
    SafetyAcknowledgeIn,
    SafetyAcknowledgementOut,
    SafetyAffectedOut,
    SafetyAffectedQuery,
    SafetyAssessmentIn,
    SafetyCountOut,
    SafetyDecisionIn,
    SafetyIncidentIn,
    SafetyIncidentOut,
    SafetyIncidentQuery,
    SafetyModelCountOut,
    SafetyNoticeDetailOut,
    SafetyNoticeIn,
    SafetyNoticeQuery,
)

router = Router(tags=["safety"])
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
ERR = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _detail(request: HttpRequest, notice_id: int) -> SafetyNotice:
    notice = selectors.notice_get(user=request.user, pk=notice_id)
    rows = selectors.visible_rows(user=request.user, notice=notice)
    progress = selectors.notice_progress(notice=notice, rows=rows)
    notice.progress = {  # type: ignore[attr-defined]
        **progress.__dict__,
        "complete": progress.complete,
        "outstanding": progress.outstanding,
    }
    return notice


@router.get("/notices", response={200: NoticePage, 422: ErrorOut})
def notice_list(request: HttpRequest, query: Query[SafetyNoticeQuery]) -> Any:
    page = selectors.notice_list(
        user=request.user, status=query.status, cursor=query.cursor, limit=query.limit
    )
    return page_body(page)


@router.post("/notices", response={201: SafetyNoticeDetailOut, **ERR})
def notice_register(request: HttpRequest, payload: SafetyNoticeIn) -> Any:
    notice = services.notice_register(
        user=request.user,
        manufacturer=payload.manufacturer_id,
        reference=payload.reference,
        title=payload.title,
        issued_on=payload.issued_on,
        action=payload.action,
        urgency=payload.urgency,
        instructions=payload.instructions,
        model_ids=payload.model_ids,
        udi_dis=payload.udi_dis,
        lots=payload.lots,
        serial_ranges=[(r.start, r.end) for r in payload.serial_ranges],
        department=payload.department_id,
    )
    return 201, _detail(request, notice.pk)


@router.get("/notices/{notice_id}", response={200: SafetyNoticeDetailOut, 404: ErrorOut})
def notice_detail(request: HttpRequest, notice_id: PathId) -> Any:
    return _detail(request, notice_id)


@router.post("/notices/{notice_id}/search", response={200: SafetyCountOut, **ERR})
def notice_search(request: HttpRequest, notice_id: PathId) -> Any:
    return {"count": services.notice_find_devices(user=request.user, notice=notice_id)}


@router.post("/notices/{notice_id}/affected-list", response={200: SafetyCountOut, **ERR})
def notice_affected_list(request: HttpRequest, notice_id: PathId, file: File[UploadedFile]) -> Any:
    data = file.read(MAX_BYTES + 1)
    added = services.notice_import_list(
        user=request.user, notice=notice_id, data=data, filename=file.name or ""
    )
    return {"count": added}


@router.get("/notices/{notice_id}/devices", response={200: AffectedPage, **ERR})
def notice_devices(request: HttpRequest, notice_id: PathId, query: Query[SafetyAffectedQuery]) -> Any:
    notice = selectors.notice_get(user=request.user, pk=notice_id)
    page = selectors.affected_page(
        user=request.user,
        notice=notice,
        customer_id=query.customer_id,
        decision=query.decision,
        cursor=query.cursor,
        limit=query.limit,
    )
    return page_body(page)


@router.post("/affected/{affected_id}/decision", response={200: SafetyAffectedOut, **ERR})
def affected_decide(request: HttpRequest, affected_id: PathId, payload: SafetyDecisionIn) -> Any:
    services.affected_decide(
        user=request.user, affected=affected_id, decision=payload.decision, reason=payload.reason
    )
    return selectors.affected_get(user=request.user, pk=affected_id)


@router.post("/notices/{notice_id}/work-orders", response={200: SafetyCountOut, **ERR})
def notice_work_orders(request: HttpRequest, notice_id: PathId) -> Any:
    return {"count": services.notice_create_work_orders(user=request.user, notice=notice_id)}


@router.post("/notices/{notice_id}/block", response={200: SafetyCountOut, **ERR})
def notice_block(request: HttpRequest, notice_id: PathId) -> Any:
    return {"count": services.notice_block_devices(user=request.user, notice=notice_id)}


@router.post("/notices/{notice_id}/acknowledge", response={201: SafetyAcknowledgementOut, **ERR})
def notice_acknowledge(request: HttpRequest, notice_id: PathId, payload: SafetyAcknowledgeIn) -> Any:
    ack = services.notice_acknowledge(
        user=request.user, notice=notice_id, customer=payload.customer_id, note=payload.note
    )
    return 201, ack


@router.post("/notices/{notice_id}/close", response={200: SafetyNoticeDetailOut, **ERR})
def notice_close(request: HttpRequest, notice_id: PathId) -> Any:
    services.notice_close(user=request.user, notice=notice_id)
    return _detail(request, notice_id)


def _report(request: HttpRequest, notice_id: int, kind: str) -> HttpResponse:

    from medtek.safety import exports

    notice: SafetyNotice = selectors.notice_get(user=request.user, pk=notice_id)
    rows = selectors.report_rows(user=request.user, notice=notice)
    progress = selectors.notice_progress(
        notice=notice, rows=selectors.visible_rows(user=request.user, notice=notice)
    )
    content = (exports.report_pdf if kind == "pdf" else exports.report_xlsx)(notice, progress, rows)
    return download(content, f"fsn-{notice.pk}.{kind}")


@router.get("/notices/{notice_id}/report.pdf", response={200: None, 404: ErrorOut})
def notice_report_pdf(request: HttpRequest, notice_id: PathId) -> HttpResponse:
    return _report(request, notice_id, "pdf")


@router.get("/notices/{notice_id}/report.xlsx", response={200: None, 404: ErrorOut})
def notice_report_xlsx(request: HttpRequest, notice_id: PathId) -> HttpResponse:
    return _report(request, notice_id, "xlsx")


@router.get("/incidents", response={200: IncidentPage, 422: ErrorOut})
def incident_list(request: HttpRequest, query: Query[SafetyIncidentQuery]) -> Any:
    page = selectors.incident_list(
        user=request.user,
        status=query.status,
        model_id=query.model_id,
        cursor=query.cursor,
        limit=query.limit,
    )
    return page_body(page)


@router.post("/incidents", response={201: SafetyIncidentOut, **ERR})
def incident_report(request: HttpRequest, payload: SafetyIncidentIn) -> Any:
    incident = services.incident_report(
        user=request.user,
        device=payload.device_id,
        kind=payload.kind,
        occurred_at=payload.occurred_at,
        place=payload.place,
        description=payload.description,
        patient_harm=payload.patient_harm,
        block=payload.block_device,
    )
    return 201, selectors.incident_get(user=request.user, pk=incident.pk)


@router.get("/incidents/per-model", response=list[SafetyModelCountOut])
def incidents_per_model(request: HttpRequest) -> Any:
    return selectors.incidents_per_model(user=request.user)


@router.get("/incidents/{incident_id}", response={200: SafetyIncidentOut, 404: ErrorOut})
def incident_detail(request: HttpRequest, incident_id: PathId) -> Any:
    return selectors.incident_get(user=request.user, pk=incident_id)


@router.post("/incidents/{incident_id}/assessment", response={200: SafetyIncidentOut, **ERR})
def incident_assess(request: HttpRequest, incident_id: PathId, payload: SafetyAssessmentIn) -> Any:
    services.incident_assess(
        user=request.user,
        incident=incident_id,
        report_manufacturer=payload.report_manufacturer,
        report_authority=payload.report_authority,
        assessment=payload.assessment,
        manufacturer_reference=payload.manufacturer_reference,
        manufacturer_reported_on=payload.manufacturer_reported_on,
        authority_reference=payload.authority_reference,
        authority_reported_on=payload.authority_reported_on,
    )
    return selectors.incident_get(user=request.user, pk=incident_id)


__all__ = ["Cap", "router"]
