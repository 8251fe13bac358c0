"""API: agreements (terms, current end, notice deadline, termination), rate schedules and index figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from medtek.agreements import rules, selectors, services
from medtek.agreements.models import Agreement, RateSchedule
from medtek.agreements.schemas import (
    AgreementActionDoneIn,
    AgreementActionIn,
    AgreementAdviceLimitIn,
    AgreementContactIn,
    AgreementContactOut,
    AgreementEvaluationOut,
    AgreementEvaluationPatch,
    AgreementEvaluationStartIn,
    AgreementIn,
    AgreementListQuery,
    AgreementMonitoringIn,
    AgreementMonitoringOut,
    AgreementNoticeAckIn,
    AgreementNoticeIn,
    AgreementNoticeOut,
    AgreementOut,
    AgreementPage,
    AgreementPatch,
    AgreementReportIn,
    DayQuery,
    DeadlineOut,
    DeadlinesQuery,
    FigureIn,
    RateOut,
    RateScheduleIn,
    RateScheduleOut,
    RateSchedulePage,
    RateSchedulePatch,
    TerminateIn,
)
from medtek.core.api import ErrorOut, PageQuery, page_body
from medtek.core.pagination import keyset_page
from medtek.organizations.rules import Cap

router = Router(tags=["agreements"])
# How far ahead the notice-deadline list looks at most (ten years: beyond any agreement's notice).
MAX_WITHIN_DAYS = 3660


def _agreement_out(agreement: Agreement, day: dt.date | None = None) -> dict[str, Any]:
    day = day or timezone.localdate()
    out = {f: getattr(agreement, f) for f in AgreementOut.model_fields if hasattr(agreement, f)}
    out.update(
        provider=agreement.provider.name,
        parties=[
            {"customer_id": p.customer_id, "customer": p.customer.name, "buyer_reference": p.buyer_reference}
            for p in agreement.parties.all()
        ],
        as_of=day,
        status=str(agreement.status_on(day)),
        current_end=agreement.end_on(day),
        notice_deadline=agreement.notice_deadline_on(day),
    )
    return out


def _schedule_out(schedule: RateSchedule) -> dict[str, Any]:
    return {
        "id": schedule.pk,
        "provider_id": schedule.provider_id,
        "name": schedule.name,
        "base_rate": schedule.base_rate,
        "valid_from": schedule.valid_from,
        "index_name": schedule.index_name,
        "rounding": schedule.rounding,
        "figures": [
            {
                "year": f.year,
                "change_percent": f.change_percent,
                "publication_reference": f.publication_reference,
                "is_example": f.is_example,
            }
            for f in schedule.figures.all()
        ],
    }


@router.get("", response={200: AgreementPage, 422: ErrorOut})
def agreement_list(request: HttpRequest, query: Query[AgreementListQuery]) -> Any:
    page = keyset_page(
        selectors.agreement_queryset(user=request.user),
        order=["-valid_from"],
        cursor=query.cursor,
        limit=query.limit,
    )
    page.items = [_agreement_out(a, query.day) for a in page.items]
    return page_body(page)


@router.post("", response={201: AgreementOut, 403: ErrorOut, 422: ErrorOut})
def agreement_create(request: HttpRequest, payload: AgreementIn) -> Any:
    data = payload.dict()
    customers = [(c["customer_id"], c["buyer_reference"]) for c in data.pop("customers")]
    agreement = services.agreement_create(
        user=request.user,
        provider=data.pop("provider_id"),
        seller=data.pop("seller_id"),
        rate_schedule=data.pop("rate_schedule_id"),
        customers=customers,
        **data,
    )
    return 201, _agreement_out(selectors.agreement_get(user=request.user, pk=agreement.pk))


@router.get("/deadlines", response={200: list[DeadlineOut], 422: ErrorOut})
def agreement_deadlines(request: HttpRequest, query: Query[DeadlinesQuery]) -> Any:
    from django.core.exceptions import ValidationError

    today = query.today
    try:
        days = rules.parse_within(query.within)
    except ValueError as exc:
        raise ValidationError({"within": str(exc)}) from exc
    if days > MAX_WITHIN_DAYS:
        raise ValidationError({"within": _("Look at most %(days)s days ahead.") % {"days": MAX_WITHIN_DAYS}})
    return [
        {
            "agreement_id": d.agreement.pk,
            "reference": d.agreement.reference,
            "title": d.agreement.title,
            "deadline": d.deadline,
            "current_end": d.end,
            "days_left": d.days_left,
        }
        for d in selectors.agreement_deadlines(user=request.user, within_days=days, today=today)
    ]


@router.get("/rate-schedules", response={200: RateSchedulePage, 422: ErrorOut})
def rate_schedule_list(request: HttpRequest, query: Query[PageQuery]) -> Any:
    page = keyset_page(
        selectors.rate_schedule_queryset(user=request.user),
        order=["name"],
        cursor=query.cursor,
        limit=query.limit,
    )
    page.items = [_schedule_out(s) for s in page.items]
    return page_body(page)


@router.post("/rate-schedules", response={201: RateScheduleOut, 403: ErrorOut, 422: ErrorOut})
def rate_schedule_create(request: HttpRequest, payload: RateScheduleIn) -> Any:
    data = payload.dict()
    schedule = services.rate_schedule_create(user=request.user, provider=data.pop("provider_id"), **data)
    return 201, _schedule_out(selectors.rate_schedule_get(user=request.user, pk=schedule.pk))


@router.get("/rate-schedules/{rate_schedule_id}", response={200: RateScheduleOut, 404: ErrorOut})
def rate_schedule_detail(request: HttpRequest, rate_schedule_id: int) -> Any:
    return _schedule_out(selectors.rate_schedule_get(user=request.user, pk=rate_schedule_id))


@router.patch(
    "/rate-schedules/{rate_schedule_id}",
    response={200: RateScheduleOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def rate_schedule_update(request: HttpRequest, rate_schedule_id: int, payload: RateSchedulePatch) -> Any:
    """Set the schedule's rounding; the rates (and the next runs' drafts) follow at once."""
    schedule = selectors.rate_schedule_get(
        user=request.user, pk=rate_schedule_id, capability=Cap.AGREEMENT_MANAGE
    )
    services.rate_schedule_set_rounding(user=request.user, schedule=schedule, rounding=payload.rounding)
    return _schedule_out(selectors.rate_schedule_get(user=request.user, pk=schedule.pk))


@router.get("/rate-schedules/{rate_schedule_id}/rate", response={200: RateOut, 404: ErrorOut, 422: ErrorOut})
def rate_schedule_rate(request: HttpRequest, rate_schedule_id: int, query: Query[DayQuery]) -> Any:
    from django.core.exceptions import ValidationError

    day = query.day
    schedule = selectors.rate_schedule_get(user=request.user, pk=rate_schedule_id)
    try:
        day = day or timezone.localdate()
        rate = selectors.rate_on(schedule=schedule, day=day)
    except rules.RateError as exc:
        raise ValidationError({"day": str(exc)}) from exc
    return {"rate_schedule_id": schedule.pk, "day": day, "rate": rate}


@router.post(
    "/rate-schedules/{rate_schedule_id}/index-figures",
    response={201: RateScheduleOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def index_figure_enter(request: HttpRequest, rate_schedule_id: int, payload: FigureIn) -> Any:
    schedule = selectors.rate_schedule_get(
        user=request.user, pk=rate_schedule_id, capability=Cap.AGREEMENT_MANAGE
    )
    services.index_figure_enter(user=request.user, schedule=schedule, **payload.dict())
    return 201, _schedule_out(selectors.rate_schedule_get(user=request.user, pk=schedule.pk))


@router.get("/{agreement_id}", response={200: AgreementOut, 404: ErrorOut, 422: ErrorOut})
def agreement_detail(request: HttpRequest, agreement_id: int, query: Query[DayQuery]) -> Any:
    return _agreement_out(selectors.agreement_get(user=request.user, pk=agreement_id), query.day)


@router.patch("/{agreement_id}", response={200: AgreementOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def agreement_update(request: HttpRequest, agreement_id: int, payload: AgreementPatch) -> Any:
    """Change the fields sent; validated as a new agreement is (parties, period, overlaps, prices)."""
    agreement = selectors.agreement_get(user=request.user, pk=agreement_id, capability=Cap.AGREEMENT_MANAGE)
    changes = payload.dict(exclude_unset=True)
    for name in ("seller", "rate_schedule"):
        if f"{name}_id" in changes:
            changes[name] = changes.pop(f"{name}_id")
    if "customers" in changes:
        changes["customers"] = [(c["customer_id"], c["buyer_reference"]) for c in changes["customers"] or []]
    services.agreement_update(user=request.user, agreement=agreement, **changes)
    return _agreement_out(selectors.agreement_get(user=request.user, pk=agreement_id))


@router.post(
    "/{agreement_id}/terminate", response={200: AgreementOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def agreement_terminate(request: HttpRequest, agreement_id: int, payload: TerminateIn) -> Any:
    agreement = selectors.agreement_get(user=request.user, pk=agreement_id, capability=Cap.AGREEMENT_MANAGE)
    services.agreement_terminate(user=request.user, agreement=agreement, **payload.dict())
    return _agreement_out(selectors.agreement_get(user=request.user, pk=agreement_id))


# --- The agreement as a working relationship: contacts, change notices (J23), monitoring (J15) ---


def _contact_out(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "organisation_id": c.organisation_id,
        "organisation": c.organisation.name,
        "role": c.role,
        "user_id": c.user_id,
        "name": c.display_name,
        "email": c.address,
    }


def _notice_out(n: Any) -> dict[str, Any]:
    return {
        "id": n.pk,
        "kind": n.kind,
        "from_party_id": n.from_party_id,
        "from_party": n.from_party.name,
        "to_party_id": n.to_party_id,
        "to_party": n.to_party.name,
        "description": n.description,
        "effective_on": n.effective_on,
        "status": n.status,
        "recorded_by": n.recorded_by.get_username(),
        "acknowledged_by": n.acknowledged_by.get_username() if n.acknowledged_by_id else None,
        "acknowledged_at": n.acknowledged_at,
        "response": n.response,
    }


def _monitoring_out(a: Agreement) -> dict[str, Any]:
    return {
        "agreement_id": a.pk,
        "reference": a.reference,
        "external_supplier_id": a.external_supplier_id,
        "external_supplier": a.external_supplier.name if a.external_supplier is not None else None,
        "device_ids": selectors.monitored_device_ids(agreement=a),
    }


@router.get("/{agreement_id}/contacts", response={200: list[AgreementContactOut], 404: ErrorOut})
def agreement_contact_list(request: HttpRequest, agreement_id: int) -> Any:
    agreement = selectors.agreement_get(user=request.user, pk=agreement_id)
    return [_contact_out(c) for c in selectors.agreement_contacts(agreement)]


@router.post(
    "/{agreement_id}/contacts",
    response={201: AgreementContactOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def agreement_contact_add(request: HttpRequest, agreement_id: int, payload: AgreementContactIn) -> Any:
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    agreement = selectors.agreement_get(user=request.user, pk=agreement_id)
    contact_user = None
    if payload.user_id is not None:
        contact_user = get_user_model().objects.filter(pk=payload.user_id, is_active=True).first()
        if contact_user is None:
            raise ValidationError({"user_id": "Unknown user."})
    contact = services.agreement_contact_add(
        user=request.user,
        agreement=agreement,
        organisation=payload.organisation_id,
        role=payload.role,
        contact_user=contact_user,
        name=payload.name,
        email=payload.email,
    )
    return 201, _contact_out(contact)


@router.get("/{agreement_id}/change-notices", response={200: list[AgreementNoticeOut], 404: ErrorOut})
def change_notice_list(request: HttpRequest, agreement_id: int) -> Any:
    agreement = selectors.agreement_get(user=request.user, pk=agreement_id)
    return [_notice_out(n) for n in selectors.change_notices(user=request.user, agreement=agreement)]


@router.post(
    "/{agreement_id}/change-notices",
    response={201: AgreementNoticeOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def change_notice_record(request: HttpRequest, agreement_id: int, payload: AgreementNoticeIn) -> Any:
    agreement = selectors.agreement_get(user=request.user, pk=agreement_id)
    notice = services.change_notice_record(
        user=request.user,
        agreement=agreement,
        kind=payload.kind,
        description=payload.description,
        effective_on=payload.effective_on,
        to_party=payload.to_party_id,
    )
    return 201, _notice_out(notice)


@router.post(
    "/{agreement_id}/change-notices/{notice_id}/acknowledge",
    response={200: AgreementNoticeOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def change_notice_acknowledge(
    request: HttpRequest, agreement_id: int, notice_id: int, payload: AgreementNoticeAckIn
) -> Any:
    agreement = selectors.agreement_get(user=request.user, pk=agreement_id)
    notice = selectors.change_notice_get(user=request.user, agreement=agreement, pk=notice_id)
    notice = services.change_notice_acknowledge(user=request.user, notice=notice, response=payload.response)
    return _notice_out(notice)


@router.get("/{agreement_id}/monitoring", response={200: AgreementMonitoringOut, 404: ErrorOut})
def monitoring_detail(request: HttpRequest, agreement_id: int) -> Any:
    return _monitoring_out(selectors.agreement_get(user=request.user, pk=agreement_id))


@router.put(
    "/{agreement_id}/monitoring",
    response={200: AgreementMonitoringOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def monitoring_set(request: HttpRequest, agreement_id: int, payload: AgreementMonitoringIn) -> Any:
    """Name the external supplier and the devices a monitoring agreement covers (replaces the set)."""
    agreement = selectors.agreement_get(user=request.user, pk=agreement_id, capability=Cap.AGREEMENT_MANAGE)
    services.monitoring_coverage_set(
        user=request.user,
        agreement=agreement,
        supplier=payload.external_supplier_id,
        device_ids=payload.device_ids,
    )
    return _monitoring_out(selectors.agreement_get(user=request.user, pk=agreement_id))


# --- Follow-up and evaluation (J24, J25) ---


def _evaluation_out(e: Any) -> dict[str, Any]:
    return {
        "id": e.pk,
        "agreement_id": e.agreement_id,
        "period_start": e.period_start,
        "period_end": e.period_end,
        "mt_assessment": e.mt_assessment,
        "customer_assessment": e.customer_assessment,
        "conclusions": e.conclusions,
        "reported_on": e.reported_on,
        "reported_to": list(e.reported_to),
        "actions": [
            {
                "id": a.pk,
                "description": a.description,
                "owner_party_id": a.owner_party_id,
                "owner_name": a.owner_name,
                "due_on": a.due_on,
                "done_on": a.done_on,
            }
            for a in e.actions.all()
        ],
    }


def _evaluation_fresh(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _evaluation_out(selectors.evaluation_get(user=request.user, pk=pk))


@router.get("/{agreement_id}/evaluations", response={200: list[AgreementEvaluationOut], 404: ErrorOut})
def evaluation_list(request: HttpRequest, agreement_id: int) -> Any:
    agreement = selectors.agreement_get(user=request.user, pk=agreement_id)
    return [_evaluation_out(e) for e in selectors.evaluation_list(user=request.user, agreement=agreement)]


@router.post(
    "/{agreement_id}/evaluations",
    response={201: AgreementEvaluationOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def evaluation_start(request: HttpRequest, agreement_id: int, payload: AgreementEvaluationStartIn) -> Any:
    agreement = selectors.agreement_get(user=request.user, pk=agreement_id, capability=Cap.AGREEMENT_MANAGE)
    evaluation = services.evaluation_start(user=request.user, agreement=agreement, **payload.dict())
    return 201, _evaluation_fresh(request, evaluation.pk)


@router.get("/evaluations/{evaluation_id}", response={200: AgreementEvaluationOut, 404: ErrorOut})
def evaluation_detail(request: HttpRequest, evaluation_id: int) -> Any:
    return _evaluation_fresh(request, evaluation_id)


@router.patch(
    "/evaluations/{evaluation_id}",
    response={200: AgreementEvaluationOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def evaluation_update(request: HttpRequest, evaluation_id: int, payload: AgreementEvaluationPatch) -> Any:
    evaluation = selectors.evaluation_get(user=request.user, pk=evaluation_id)
    services.evaluation_update(user=request.user, evaluation=evaluation, **payload.dict())
    return _evaluation_fresh(request, evaluation_id)


@router.post(
    "/evaluations/{evaluation_id}/actions",
    response={201: AgreementEvaluationOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def evaluation_action_add(request: HttpRequest, evaluation_id: int, payload: AgreementActionIn) -> Any:
    evaluation = selectors.evaluation_get(user=request.user, pk=evaluation_id)
    data = payload.dict()
    services.evaluation_action_add(
        user=request.user, evaluation=evaluation, owner_party=data.pop("owner_party_id"), **data
    )
    return 201, _evaluation_fresh(request, evaluation_id)


@router.post(
    "/evaluations/{evaluation_id}/actions/{action_id}/done",
    response={200: AgreementEvaluationOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def evaluation_action_done(
    request: HttpRequest, evaluation_id: int, action_id: int, payload: AgreementActionDoneIn
) -> Any:
    evaluation = selectors.evaluation_get(user=request.user, pk=evaluation_id)
    action = selectors.evaluation_action_get(user=request.user, evaluation=evaluation, pk=action_id)
    services.evaluation_action_done(user=request.user, action=action, done_on=payload.done_on)
    return _evaluation_fresh(request, evaluation_id)


@router.post(
    "/evaluations/{evaluation_id}/report",
    response={200: AgreementEvaluationOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def evaluation_report(request: HttpRequest, evaluation_id: int, payload: AgreementReportIn) -> Any:
    evaluation = selectors.evaluation_get(
        user=request.user, pk=evaluation_id, capability=Cap.AGREEMENT_MANAGE
    )
    services.evaluation_report(user=request.user, evaluation=evaluation, **payload.dict())
    return _evaluation_fresh(request, evaluation_id)


# --- Advice in limited scope (J13) ---


@router.post(
    "/{agreement_id}/advice-limit", response={200: AgreementOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def agreement_set_advice_limit(
    request: HttpRequest, agreement_id: int, payload: AgreementAdviceLimitIn
) -> Any:
    """Set the advice hours per customer and year the agreement allows (null removes the limit)."""
    agreement = selectors.agreement_get(user=request.user, pk=agreement_id, capability=Cap.AGREEMENT_MANAGE)
    services.agreement_set_advice_limit(
        user=request.user, agreement=agreement, hours=payload.advice_hours_limit
    )
    return _agreement_out(selectors.agreement_get(user=request.user, pk=agreement_id))
