"""Pages of the assistive-device centre (HMC) and its prescribers: thin, each a form, a service and a
template. A patient's identity is shown only through `selectors.patient_identity` (logged)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from medtek.assistive import selectors, services
from medtek.assistive.billing import billing_preview
from medtek.assistive.choices import AccessPurpose, PrescriptionStatus
from medtek.assistive.forms import (
    ArticleForm,
    BillingForm,
    DispenseForm,
    FailedDecisionForm,
    FittingForm,
    ItemForm,
    PrescriptionForm,
    ReturnForm,
)
from medtek.assistive.models import Prescriber
from medtek.billing.choices import BillingPart
from medtek.billing.jobs import billing_run_start
from medtek.core.forms import add_service_errors, handle_form
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for


def _require(request: HttpRequest, capability: str) -> None:
    if not scope_for(request.user).can(capability):
        from medtek.organizations.rules import refusal

        raise PermissionDenied(refusal(capability))


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """HMC: stock per article, open and overdue loans, returns waiting for reconditioning."""
    _require(request, Cap.ASSISTIVE_MANAGE)
    today = timezone.localdate()
    return render(
        request,
        "assistive/overview.html",
        {
            "stock": selectors.stock_per_article(user=request.user),
            "loans": selectors.loan_list(user=request.user)[:50],
            "overdue": selectors.loan_list(user=request.user, overdue=True, today=today)[:50],
            "returns": selectors.returns_waiting(user=request.user)[:50],
            "failed": selectors.failed_reconditionings(user=request.user)[:50],
            "waiting": selectors.prescription_list(user=request.user, status=PrescriptionStatus.OPEN)[:50],
            "can_bill": scope_for(request.user).can(Cap.BILLING_MANAGE),
        },
    )


@login_required
def my_loans(request: HttpRequest) -> HttpResponse:
    """Prescriptions and loans of the user's organisation(s), without identities."""
    return render(
        request,
        "assistive/my_loans.html",
        {
            "prescriptions": selectors.prescription_list(user=request.user)[:100],
            "loans": selectors.loan_list(user=request.user)[:100],
            "can_prescribe": scope_for(request.user).can(Cap.ASSISTIVE_PRESCRIBE)
            or scope_for(request.user).can(Cap.ASSISTIVE_MANAGE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def prescription_new(request: HttpRequest) -> HttpResponse:
    own = selectors.prescriber_of(request.user)
    if own is None:
        _require(request, Cap.ASSISTIVE_MANAGE)
    else:
        _require(request, Cap.ASSISTIVE_PRESCRIBE)
    prescribers = (
        [] if own else list(Prescriber.objects.visible_to(request.user).select_related("organisation"))
    )
    form = PrescriptionForm(
        request.POST or None, articles=selectors.articles(user=request.user), prescribers=prescribers
    )

    def page(form: PrescriptionForm) -> HttpResponse:
        return render(request, "assistive/prescription_new.html", {"form": form})

    if request.method != "POST":
        return page(form)

    def registered(p: Any) -> HttpResponse:
        messages.success(request, _("Prescription %(number)s is registered.") % {"number": p.number})
        return redirect("assistive:prescription_detail", prescription_id=p.pk)

    return handle_form(
        request,
        form,
        lambda data: services.prescription_create(
            user=request.user,
            patient_identity=data["patient_identity"],
            article=data["article"],
            need=data["need"],
            delivery_address=data["delivery_address"],
            prescriber=data.get("prescriber"),
        ),
        done=registered,
        again=page,
    )


def _prescription_page(request: HttpRequest, p: Any, *, form: DispenseForm | None = None) -> HttpResponse:
    """The prescription with its identity; `form` is a dispensing that was sent and refused."""
    identity = selectors.patient_identity(
        user=request.user, patient=p.patient_id, purpose=AccessPurpose.PRESCRIPTION, reference=p.number
    )
    can_dispense = p.status == PrescriptionStatus.OPEN and scope_for(request.user).can(
        Cap.ASSISTIVE_MANAGE, p.organisation_id
    )
    if form is None and can_dispense:
        form = DispenseForm(items=selectors.item_in_stock(user=request.user, article=p.article)[:200])
    loan = getattr(p, "loan", None) if p.status == PrescriptionStatus.DISPENSED else None
    return render(
        request,
        "assistive/prescription_detail.html",
        {"p": p, "identity": identity, "form": form, "loan": loan},
    )


@login_required
def prescription_detail(request: HttpRequest, prescription_id: int) -> HttpResponse:
    return _prescription_page(request, selectors.prescription_get(user=request.user, pk=prescription_id))


@login_required
@require_http_methods(["GET", "POST"])
def prescription_dispense(request: HttpRequest, prescription_id: int) -> HttpResponse:
    p = selectors.prescription_get(user=request.user, pk=prescription_id)
    if request.method != "POST":
        return redirect("assistive:prescription_detail", prescription_id=p.pk)
    scope_for(request.user).require(Cap.ASSISTIVE_MANAGE, p.organisation_id)

    def dispensed(loan: Any) -> HttpResponse:
        messages.success(request, _("Dispensed (utlämnad)."))
        return redirect("assistive:loan_detail", loan_id=loan.pk)

    return handle_form(
        request,
        DispenseForm(request.POST, items=selectors.item_in_stock(user=request.user, article=p.article)),
        lambda data: services.loan_dispense(
            user=request.user, prescription=p, item=data["device"], delivered_to=data["delivered_to"]
        ),
        done=dispensed,
        again=lambda form: _prescription_page(request, p, form=form),
        fields={"item": "device"},
    )


def _loan_page(
    request: HttpRequest,
    loan: Any,
    *,
    decision_form: FailedDecisionForm | None = None,
    fitting_form: FittingForm | None = None,
    return_form: ReturnForm | None = None,
) -> HttpResponse:
    """The loan with its identity; a form given is one that was sent and refused, shown as typed."""
    identity = selectors.patient_identity(
        user=request.user,
        patient=loan.patient_id,
        purpose=AccessPurpose.LOAN,
        reference=loan.prescription.number,
    )
    may_manage = scope_for(request.user).can(Cap.ASSISTIVE_MANAGE, loan.organisation_id)
    manage = loan.is_open and may_manage
    if decision_form is None and may_manage and selectors.awaits_decision(loan):
        decision_form = FailedDecisionForm()
    if manage or fitting_form is not None or return_form is not None:
        fitting_form = fitting_form or FittingForm(initial={"fitted": True})
        return_form = return_form or ReturnForm()
    return render(
        request,
        "assistive/loan_detail.html",
        {
            "loan": loan,
            "identity": identity,
            "fitting_form": fitting_form,
            "return_form": return_form,
            "decision_form": decision_form,
        },
    )


@login_required
def loan_detail(request: HttpRequest, loan_id: int) -> HttpResponse:
    return _loan_page(request, selectors.loan_get(user=request.user, pk=loan_id))


@login_required
@require_http_methods(["GET", "POST"])
def loan_decision(request: HttpRequest, loan_id: int) -> HttpResponse:
    """HMC's decision after the loan's item failed its reconditioning: repair, surplus or scrapping (the
    page asks first; surplus and scrapping cannot be undone)."""
    loan = selectors.loan_get(user=request.user, pk=loan_id)
    scope_for(request.user).require(Cap.ASSISTIVE_MANAGE, loan.organisation_id)
    if request.method != "POST":
        return redirect("assistive:loan_detail", loan_id=loan.pk)

    form = FailedDecisionForm(request.POST)

    def decided(device: Any) -> HttpResponse:
        label = form.decision_label()
        messages.success(
            request,
            _("Decision after the failed reconditioning of %(asset)s: %(decision)s.")
            % {"asset": device.asset_number, "decision": label},
        )
        return redirect("assistive:loan_detail", loan_id=loan.pk)

    return handle_form(
        request,
        form,
        lambda data: services.reconditioning_failed_decide(user=request.user, loan=loan.pk, **data),
        done=decided,
        again=lambda form: _loan_page(request, loan, decision_form=form),
    )


def _loan_step(
    request: HttpRequest,
    loan_id: int,
    *,
    form_class: type[forms.Form],
    service: Callable[..., Any],
    recorded: str,
    form_name: str,
) -> HttpResponse:
    """A step HMC records on a loan's page (fitting, return): the one form path, back to the loan."""
    loan = selectors.loan_get(user=request.user, pk=loan_id)
    if request.method != "POST":
        return redirect("assistive:loan_detail", loan_id=loan.pk)
    scope_for(request.user).require(Cap.ASSISTIVE_MANAGE, loan.organisation_id)

    def done(_result: Any) -> HttpResponse:
        messages.success(request, recorded)
        return redirect("assistive:loan_detail", loan_id=loan.pk)

    return handle_form(
        request,
        form_class(request.POST),
        lambda data: service(user=request.user, loan=loan, **data),
        done=done,
        again=lambda form: _loan_page(request, loan, **{form_name: form}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def loan_fitting(request: HttpRequest, loan_id: int) -> HttpResponse:
    """HMC records the fitting (utprovning) of a loan's item."""
    return _loan_step(
        request,
        loan_id,
        form_class=FittingForm,
        service=services.loan_fit,
        recorded=_("The fitting (utprovning) is recorded."),
        form_name="fitting_form",
    )


@login_required
@require_http_methods(["GET", "POST"])
def loan_return(request: HttpRequest, loan_id: int) -> HttpResponse:
    """HMC takes the item back (återlämning): the loan ends and the item goes to reconditioning."""
    return _loan_step(
        request,
        loan_id,
        form_class=ReturnForm,
        service=services.loan_return,
        recorded=_("Returned (återlämnad): the item is in reconditioning."),
        form_name="return_form",
    )


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    """Who looked at which patient (by number only), when and why: for an auditor, without identities."""
    return render(
        request, "assistive/access_log.html", {"rows": selectors.access_log(user=request.user)[:200]}
    )


# --- the catalogue: articles and their items (HMC staff) ----------------------------------------


def _article_form(
    request: HttpRequest, *, new: bool, initial: dict[str, object] | None = None
) -> ArticleForm:
    return ArticleForm(
        request.POST or None,
        initial=initial,
        centres=selectors.managed_centres(user=request.user),
        models=selectors.assistive_models() if new else None,
    )


@login_required
@require_http_methods(["GET", "POST"])
def article_new(request: HttpRequest) -> HttpResponse:
    """HMC: add an article to the catalogue (a model of assistive device, its ISO 9999 code and prices)."""
    _require(request, Cap.ASSISTIVE_MANAGE)
    form = _article_form(request, new=True, initial={"fitting_fee": 0, "delivery_fee": 0})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                article = services.article_create(
                    user=request.user,
                    centre=data.get("centre"),
                    device_model=data["device_model"],
                    name=data["name"],
                    iso_code=data["iso_code"],
                    monthly_rent=data["monthly_rent"],
                    price=data["price"],
                    needs_fitting=data["needs_fitting"],
                    fitting_fee=data["fitting_fee"] or 0,
                    delivery_fee=data["delivery_fee"] or 0,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The article %(name)s is added.") % {"name": article.name})
                return redirect("assistive:article_detail", article_id=article.pk)
    return render(request, "assistive/article_form.html", {"form": form, "article": None}, status=status)


@login_required
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    """An article with its prices and its items."""
    article = selectors.article_get(user=request.user, pk=article_id)
    manage = scope_for(request.user).can(Cap.ASSISTIVE_MANAGE, article.centre_id)
    return render(
        request,
        "assistive/article_detail.html",
        {
            "article": article,
            "items": selectors.article_items(user=request.user, article=article)[:500],
            "manage": manage,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, article_id: int) -> HttpResponse:
    """HMC: change an article's name, code, rent, price, fitting and fees."""
    article = selectors.article_get(user=request.user, pk=article_id)
    scope_for(request.user).require(Cap.ASSISTIVE_MANAGE, article.centre_id)
    initial = {field: getattr(article, field) for field in services.ARTICLE_FIELDS}
    form = _article_form(request, new=False, initial=initial)
    form.fields.pop("centre", None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            changes = {field: data[field] for field in services.ARTICLE_FIELDS}
            changes["fitting_fee"] = changes["fitting_fee"] or 0
            changes["delivery_fee"] = changes["delivery_fee"] or 0
            try:
                services.article_update(user=request.user, article=article.pk, **changes)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The article is saved."))
                return redirect("assistive:article_detail", article_id=article.pk)
    return render(request, "assistive/article_form.html", {"form": form, "article": article}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def item_new(request: HttpRequest, article_id: int) -> HttpResponse:
    """HMC: register an item of the article, a device of the centre in stock."""
    article = selectors.article_get(user=request.user, pk=article_id)
    scope_for(request.user).require(Cap.ASSISTIVE_MANAGE, article.centre_id)
    form = ItemForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = services.item_add(
                    user=request.user,
                    article=article.pk,
                    asset_number=data["asset_number"],
                    serial_number=data["serial_number"],
                    acquisition_date=data["acquisition_date"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(asset)s is registered, in stock.") % {"asset": item.device.asset_number},
                )
                if request.POST.get("another"):
                    return redirect("assistive:item_new", article_id=article.pk)
                return redirect("assistive:article_detail", article_id=article.pk)
    return render(request, "assistive/item_form.html", {"form": form, "article": article}, status=status)


# --- billing the month's rent -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def billing(request: HttpRequest) -> HttpResponse:
    """Bill the month's rent of assistive-device loans: first the count to confirm, then the run (the
    same as `medtek bill assistive`), idempotent, with links to the invoices."""
    _require(request, Cap.BILLING_MANAGE)

    def page(form: BillingForm, preview: Any = None) -> HttpResponse:
        return render(request, "assistive/billing.html", {"form": form, "preview": preview})

    if request.method != "POST":
        return page(BillingForm())
    form = BillingForm(request.POST)

    def bill(data: dict[str, Any]) -> Any:
        if data["confirmed"]:
            return billing_run_start(user=request.user, part=BillingPart.ASSISTIVE, period=data["period"])
        return billing_preview(user=request.user, period=data["period"])

    def answered(result: Any) -> HttpResponse:
        if form.cleaned_data["confirmed"]:
            return redirect("jobs:job_detail", job_id=result.pk)
        return page(form, preview=result)

    return handle_form(request, form, bill, done=answered, again=page)
