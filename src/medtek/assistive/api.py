"""API of the assistive-device centre under /api/v1/assistive/: articles, stock, prescriptions, loans,
returns and the patient access log, scoped by `visible_to` like every other list."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from medtek.assistive import selectors, services
from medtek.assistive.schemas import (
    MAX_ID,
    AccessPage,
    ArticleIn,
    ArticleItemIn,
    ArticleItemOut,
    ArticleOut,
    ArticlePage,
    ArticlePatch,
    CountedPageQuery,
    DispenseIn,
    FailedDecisionIn,
    FailedDecisionOut,
    FittingIn,
    IdentityOut,
    IdentityQuery,
    LoanOut,
    LoanPage,
    LoanQuery,
    PrescriptionIn,
    PrescriptionOut,
    PrescriptionPage,
    PrescriptionQuery,
    ReturnIn,
    StockOut,
)
from medtek.core.api import ErrorOut, PageQuery, page_body
from medtek.core.pagination import keyset_page

router = Router(tags=["assistive"])
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
ERR = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _page(rows: Any, query: PageQuery, *, with_count: bool = True) -> dict[str, Any]:
    return page_body(
        keyset_page(
            rows.order_by(), order=["-id"], cursor=query.cursor, limit=query.limit, with_count=with_count
        )
    )


@router.get("/articles", response={200: ArticlePage, 422: ErrorOut})
def article_list(request: HttpRequest, query: Query[PageQuery]) -> Any:
    return _page(selectors.articles(user=request.user), query)


@router.get("/articles/{article_id}", response={200: ArticleOut, 404: ErrorOut})
def article_detail(request: HttpRequest, article_id: PathId) -> Any:
    return selectors.article_get(user=request.user, pk=article_id)


@router.post("/articles", response={201: ArticleOut, **ERR})
def article_create(request: HttpRequest, payload: ArticleIn) -> Any:
    """A new article in the centre's catalogue (HMC staff)."""
    article = services.article_create(
        user=request.user,
        centre=payload.centre_id,
        device_model=payload.device_model_id,
        name=payload.name,
        iso_code=payload.iso_code,
        monthly_rent=payload.monthly_rent,
        price=payload.price,
        needs_fitting=payload.needs_fitting,
        fitting_fee=payload.fitting_fee,
        delivery_fee=payload.delivery_fee,
    )
    return Status(201, article)


@router.patch("/articles/{article_id}", response={200: ArticleOut, **ERR})
def article_update(request: HttpRequest, article_id: PathId, payload: ArticlePatch) -> Any:
    """Change an article's name, code, rent, price, fitting or fees (only the fields given)."""
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return services.article_update(user=request.user, article=article_id, **changes)


@router.post("/articles/{article_id}/items", response={201: ArticleItemOut, **ERR})
def item_create(request: HttpRequest, article_id: PathId, payload: ArticleItemIn) -> Any:
    """Register an item of the article: a device in the register, owned by the centre, in stock."""
    item = services.item_add(
        user=request.user,
        article=article_id,
        asset_number=payload.asset_number,
        serial_number=payload.serial_number,
        location=payload.location_id,
        acquisition_date=payload.acquisition_date,
    )
    return Status(201, selectors.item_get(user=request.user, pk=item.pk))


@router.get("/stock", response=list[StockOut])
def stock(request: HttpRequest) -> Any:
    return [
        {
            "article_id": line.article.pk,
            "article": line.article.name,
            "iso_code": line.article.iso_code,
            "in_stock": line.in_stock,
            "on_loan": line.on_loan,
            "reconditioning": line.reconditioning,
            "out_of_use": line.out_of_use,
        }
        for line in selectors.stock_per_article(user=request.user)
    ]


@router.get("/prescriptions", response={200: PrescriptionPage, 422: ErrorOut})
def prescription_list(request: HttpRequest, query: Query[PrescriptionQuery]) -> Any:
    return _page(selectors.prescription_list(user=request.user, status=query.status), query)


@router.post("/prescriptions", response={201: PrescriptionOut, **ERR})
def prescription_create(request: HttpRequest, payload: PrescriptionIn) -> Any:
    p = services.prescription_create(
        user=request.user,
        patient_identity=payload.patient_identity,
        article=payload.article_id,
        need=payload.need,
        delivery_address=payload.delivery_address,
        delivery_unit=payload.delivery_unit_id,
        prescriber=payload.prescriber_id,
    )
    return 201, p


@router.get("/prescriptions/{prescription_id}", response={200: PrescriptionOut, 404: ErrorOut})
def prescription_detail(request: HttpRequest, prescription_id: PathId) -> Any:
    return selectors.prescription_get(user=request.user, pk=prescription_id)


@router.post("/prescriptions/{prescription_id}/cancel", response={200: PrescriptionOut, **ERR})
def prescription_cancel(request: HttpRequest, prescription_id: PathId) -> Any:
    return services.prescription_cancel(user=request.user, prescription=prescription_id)


@router.post("/prescriptions/{prescription_id}/dispense", response={201: LoanOut, **ERR})
def prescription_dispense(request: HttpRequest, prescription_id: PathId, payload: DispenseIn) -> Any:
    loan = services.loan_dispense(
        user=request.user,
        prescription=prescription_id,
        item=payload.device_id,
        delivered_to=payload.delivered_to,
        dispensed_on=payload.dispensed_on,
        due_back_on=payload.due_back_on,
    )
    return 201, selectors.loan_get(user=request.user, pk=loan.pk)


@router.get("/loans", response={200: LoanPage, 422: ErrorOut})
def loan_list(request: HttpRequest, query: Query[LoanQuery]) -> Any:
    return page_body(
        selectors.loan_page(
            user=request.user,
            open_only=query.open,
            overdue=query.overdue,
            cursor=query.cursor,
            limit=query.limit,
            with_count=query.count,
        )
    )


@router.get("/loans/{loan_id}", response={200: LoanOut, 404: ErrorOut})
def loan_detail(request: HttpRequest, loan_id: PathId) -> Any:
    return selectors.loan_get(user=request.user, pk=loan_id)


@router.post("/loans/{loan_id}/fitting", response={200: LoanOut, **ERR})
def loan_fitting(request: HttpRequest, loan_id: PathId, payload: FittingIn) -> Any:
    services.loan_fit(
        user=request.user,
        loan=loan_id,
        fitted=payload.fitted,
        adjustments=payload.adjustments,
        result=payload.result,
        fitted_on=payload.fitted_on,
    )
    return selectors.loan_get(user=request.user, pk=loan_id)


@router.post("/loans/{loan_id}/return", response={200: LoanOut, **ERR})
def loan_return(request: HttpRequest, loan_id: PathId, payload: ReturnIn) -> Any:
    services.loan_return(
        user=request.user,
        loan=loan_id,
        condition=payload.condition,
        returned_on=payload.returned_on,
        note=payload.note,
    )
    return selectors.loan_get(user=request.user, pk=loan_id)


@router.post("/loans/{loan_id}/reconditioning-decision", response={200: FailedDecisionOut, **ERR})
def loan_reconditioning_decision(request: HttpRequest, loan_id: PathId, payload: FailedDecisionIn) -> Any:
    """HMC's decision after the returned item failed its reconditioning: repair, surplus or scrap (made
    once; surplus and scrap cannot be undone)."""
    services.reconditioning_failed_decide(
        user=request.user,
        loan=loan_id,
        decision=payload.decision,
        waste_category=payload.waste_category,
        reason=payload.reason,
    )
    return selectors.loan_get(user=request.user, pk=loan_id)


@router.get("/returns", response={200: LoanPage, 422: ErrorOut})
def returns_waiting(request: HttpRequest, query: Query[CountedPageQuery]) -> Any:
    """Returned items waiting for reconditioning (rekonditionering)."""
    return _page(selectors.returns_waiting(user=request.user), query, with_count=query.count)


@router.get("/patients/{patient_id}/identity", response={200: IdentityOut, 404: ErrorOut})
def patient_identity(request: HttpRequest, patient_id: PathId, query: Query[IdentityQuery]) -> Any:
    """The patient's personnummer, for HMC and the prescriber's organisation; every look is logged."""
    value = selectors.patient_identity(user=request.user, patient=patient_id, purpose=query.purpose)
    if value is None:
        from django.http import Http404

        raise Http404
    return {"patient_id": patient_id, "identity": value}


@router.get("/access-log", response={200: AccessPage, 422: ErrorOut})
def access_log(request: HttpRequest, query: Query[PageQuery]) -> Any:
    """Who looked at which patient (by id), when and why — never the identity."""
    return _page(selectors.access_log(user=request.user), query)
