"""Pages of the surplus process: MT's overview, cases, items, shipments and the donation report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from medtek.core.downloads import download
from medtek.core.forms import handle_form
from medtek.decommissioning import selectors, services
from medtek.decommissioning.choices import ChecklistStep, Disposition, ItemState, ShipmentStatus
from medtek.decommissioning.forms import (
    DEVICE_ROWS,
    LOT_ROWS,
    AidAgreementEditForm,
    AidAgreementForm,
    AssessForm,
    CaseForm,
    DecisionForm,
    FollowUpForm,
    PeriodForm,
    ShipmentForm,
    StepForm,
)
from medtek.decommissioning.models import AidAgreement, SurplusItem
from medtek.inventory.history import describe_events
from medtek.inventory.models import Device
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for


def _refused(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    if isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or _("You may not do this."))
        return
    for text in exc.messages:
        messages.error(request, text)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    can_decide = scope.can(Cap.SURPLUS_DECIDE)
    context: dict[str, Any] = {"can_decide": can_decide, "can_register": scope.can(Cap.SURPLUS_REGISTER)}
    if can_decide:
        context.update(selectors.overview(user=request.user))
    page = selectors.case_list(user=request.user, cursor=request.GET.get("cursor") or None)
    context["page"] = page
    return render(request, "decommissioning/overview.html", context)


def _case_initial(request: HttpRequest) -> dict[str, Any]:
    """A case started from a device's page has that device and its owner filled in."""
    raw = request.GET.get("device", "")
    if request.method != "GET" or not raw.isdigit():
        return {}
    device = (
        Device.objects.visible_to(request.user, Cap.SURPLUS_REGISTER)
        .filter(pk=int(raw))
        .values("owner_id", "asset_number")
        .first()
    )
    if device is None:
        return {}
    return {"organisation": device["owner_id"], "asset_1": device["asset_number"]}


def _at_device_rows(exc: ValidationError, rows: dict[int, str]) -> ValidationError:
    """The service's refusal with each refusal of one device (the device in its `params`) moved to the
    row that device was typed in; the rest stays where the service put it."""
    if not hasattr(exc, "error_dict"):
        return exc
    keyed: dict[str, list[ValidationError]] = {}
    for field, errors in exc.error_dict.items():
        for error in errors:
            row = rows.get((error.params or {}).get("device", 0)) if field == "devices" else None
            keyed.setdefault(row or field, []).append(error)
    return ValidationError(keyed)


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    scope_for(request.user).require(Cap.SURPLUS_REGISTER)
    form = CaseForm(request.POST or None, user=request.user, initial=_case_initial(request))

    def page(form: CaseForm) -> HttpResponse:
        return render(request, "decommissioning/case_new.html", {"form": form})

    if request.method != "POST":
        return page(form)

    def register(data: dict[str, Any]) -> Any:
        org = data["organisation"]
        device_ids: list[int] = []
        rows: dict[int, str] = {}  # device: the row it was typed in
        reasons: dict[int, str] = {}
        unknown: dict[str, str] = {}
        visible = Device.objects.visible_to(request.user, Cap.SURPLUS_REGISTER).filter(owner=org)
        for i in range(1, DEVICE_ROWS + 1):
            asset = (data.get(f"asset_{i}") or "").strip()
            if not asset:
                continue
            device = visible.filter(asset_number__iexact=asset).only("pk").first()
            if device is None:
                unknown[f"asset_{i}"] = _(
                    "Unknown device, or not one of your organisation's devices (a unit registers only its "
                    "own devices as surplus): %(ids)s."
                ) % {"ids": asset}
                continue
            device_ids.append(device.pk)
            rows.setdefault(device.pk, f"asset_{i}")
            if data.get(f"asset_reason_{i}"):
                reasons[device.pk] = data[f"asset_reason_{i}"]
        if unknown:
            raise ValidationError(unknown)
        lots = [
            services.LotSpec(
                model=data[f"lot_model_{i}"].pk,
                quantity=data.get(f"lot_quantity_{i}") or 1,
                lot_number=data.get(f"lot_number_{i}") or "",
                expiry_date=data.get(f"lot_expiry_{i}"),
            )
            for i in range(1, LOT_ROWS + 1)
            if data.get(f"lot_model_{i}")
        ]
        try:
            return services.surplus_case_register(
                user=request.user,
                organisation=org,
                reason=data["reason"],
                devices=device_ids,
                device_reasons=reasons,
                lots=lots,
                note=data["note"],
            )
        except ValidationError as exc:
            raise _at_device_rows(exc, rows) from exc

    def registered(case: Any) -> HttpResponse:
        messages.success(
            request,
            _("Surplus case %(case)s registered; it goes to %(dept)s.")
            % {"case": case.pk, "dept": case.department or "MT"},
        )
        return redirect("decommissioning:case_detail", case_id=case.pk)

    return handle_form(request, form, register, done=registered, again=page)


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=case_id)
    items = selectors.case_items(case=case)
    rows = [{"item": item, "open_steps": _open_labels(item)} for item in items]
    return render(request, "decommissioning/case_detail.html", {"case": case, "rows": rows})


def _open_labels(item: SurplusItem) -> list[str]:
    return [
        str(ChecklistStep(s).label)
        for s in services.item_open_steps(item, [e.step for e in item.checklist.all()])
    ]


def _item_context(request: HttpRequest, item: SurplusItem, **forms: Any) -> dict[str, Any]:
    scope = scope_for(request.user)
    org_id = item.case.organisation_id
    done = {e.step: e for e in item.checklist.all()}
    required = services.item_required_steps(item)
    steps = [
        {"step": s, "label": ChecklistStep(s).label, "required": s in required, "entry": done.get(s)}
        for s in ChecklistStep.values
        if s in required or s in done
    ]
    is_open = item.state in (ItemState.REGISTERED, ItemState.DECIDED)
    return {
        "item": item,
        "steps": steps,
        "open_steps": _open_labels(item),
        "history": describe_events(selectors.item_history(item=item)),
        "can_decide": is_open and scope.can(Cap.SURPLUS_DECIDE, org_id),
        "can_work": is_open and scope.can(Cap.WORK_DO, org_id),
        "assess_form": forms.get("assess_form") or AssessForm(initial=_assess_initial(item)),
        "decision_form": forms.get("decision_form") or DecisionForm(user=request.user),
        "step_form": forms.get("step_form") or StepForm(),
        "can_hand_over": item.state == ItemState.DECIDED and item.disposition != Disposition.DONATE,
    }


def _assess_initial(item: SurplusItem) -> dict[str, Any]:
    return {
        "condition": item.condition,
        "accessories": item.accessories,
        "manuals_included": item.manuals_included,
        "functional_test_done": item.functional_test_done,
        "estimated_value": item.estimated_value,
        "assessment_note": item.assessment_note,
    }


@login_required
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.item_get(user=request.user, pk=item_id)
    return render(request, "decommissioning/item_detail.html", _item_context(request, item))


def _item_action(
    request: HttpRequest, item_id: int, form_name: str, form: Any, action: Any, capability: str
) -> HttpResponse:
    item = selectors.item_get(user=request.user, pk=item_id)
    if request.method != "POST":
        return redirect("decommissioning:item_detail", item_id=item.pk)
    scope_for(request.user).require(capability, item.case.organisation_id)

    def again(sent: Any) -> HttpResponse:
        fresh = selectors.item_get(user=request.user, pk=item_id)
        context = _item_context(request, fresh, **({form_name: sent} if sent is not None else {}))
        return render(request, "decommissioning/item_detail.html", context)

    def act(_data: dict[str, Any]) -> None:
        try:
            action(item, form)
        except PermissionDenied as exc:
            raise ValidationError(str(exc) or _("You may not do this.")) from exc

    if form is not None:
        return handle_form(
            request,
            form,
            act,
            done=lambda _result: redirect("decommissioning:item_detail", item_id=item.pk),
            again=again,
        )
    try:
        action(item, None)
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
        response = again(None)
        response.status_code = 422
        return response
    return redirect("decommissioning:item_detail", item_id=item.pk)


@login_required
def item_assess(request: HttpRequest, item_id: int) -> HttpResponse:
    form = AssessForm(request.POST or None)

    def act(item: SurplusItem, f: AssessForm) -> None:
        services.surplus_item_assess(user=request.user, item=item, **f.cleaned_data)
        messages.success(request, _("Assessment saved."))

    return _item_action(request, item_id, "assess_form", form, act, Cap.WORK_DO)


@login_required
def item_decide(request: HttpRequest, item_id: int) -> HttpResponse:
    form = DecisionForm(request.POST or None, user=request.user)

    def act(item: SurplusItem, f: DecisionForm) -> None:
        decided = services.surplus_item_decide(user=request.user, item=item, **f.service_kwargs())
        messages.success(
            request,
            _("Decision recorded: %(decision)s.") % {"decision": Disposition(decided.disposition).label},
        )

    return _item_action(request, item_id, "decision_form", form, act, Cap.SURPLUS_DECIDE)


@login_required
def item_step(request: HttpRequest, item_id: int) -> HttpResponse:
    form = StepForm(request.POST or None)

    def act(item: SurplusItem, f: StepForm) -> None:
        entry = services.surplus_item_record_step(user=request.user, item=item, **f.service_arguments())
        messages.success(request, _("%(step)s recorded.") % {"step": entry.get_step_display()})

    return _item_action(request, item_id, "step_form", form, act, Cap.WORK_DO)


@login_required
def item_hand_over(request: HttpRequest, item_id: int) -> HttpResponse:
    def act(item: SurplusItem, _form: Any) -> None:
        services.surplus_item_hand_over(user=request.user, item=item)
        messages.success(request, _("%(item)s has been handed over.") % {"item": item.label})

    return _item_action(request, item_id, "", None, act, Cap.SURPLUS_DECIDE)


@login_required
def shipment_list(request: HttpRequest) -> HttpResponse:
    page = selectors.shipment_list(user=request.user, cursor=request.GET.get("cursor") or None)
    agreements = selectors.aid_agreement_list(user=request.user)
    return render(
        request,
        "decommissioning/shipment_list.html",
        {
            "page": page,
            "agreements": agreements,
            "can_decide": scope_for(request.user).can(Cap.SURPLUS_DECIDE),
        },
    )


@login_required
def shipment_new(request: HttpRequest) -> HttpResponse:
    scope_for(request.user).require(Cap.SURPLUS_DECIDE)
    agreements = [
        a for a in selectors.aid_agreement_list(user=request.user) if a.active_on(timezone.localdate())
    ]
    raw_agreement = request.POST.get("aid_agreement") or request.GET.get("aid_agreement") or ""
    agreement: AidAgreement | None = next((a for a in agreements if str(a.pk) == raw_agreement), None)
    if agreement is None and len(agreements) == 1:
        agreement = agreements[0]
    eligible: list[SurplusItem] = []
    if agreement is not None:
        eligible = list(
            selectors.item_queryset(user=request.user, capability=Cap.SURPLUS_DECIDE)
            .filter(
                state=ItemState.DECIDED,
                disposition=Disposition.DONATE,
                recipient_id=agreement.aid_organisation_id,
                shipment__isnull=True,
            )
            .order_by("pk")[:200]
        )
    choices = [(i.pk, f"{i.label} — {i.device_model}") for i in eligible]
    form = ShipmentForm(
        request.POST or None,
        item_choices=choices,
        initial={"aid_agreement": agreement.pk if agreement else None, "shipment_date": timezone.localdate()},
    )

    def page(form: ShipmentForm) -> HttpResponse:
        return render(
            request,
            "decommissioning/shipment_new.html",
            {"form": form, "agreements": agreements, "agreement": agreement, "eligible": eligible},
        )

    if request.method != "POST":
        return page(form)

    def created(shipment: Any) -> HttpResponse:
        messages.success(request, _("Shipment %(id)s created.") % {"id": shipment.pk})
        return redirect("decommissioning:shipment_detail", shipment_id=shipment.pk)

    return handle_form(
        request,
        form,
        lambda data: services.donation_shipment_create(
            user=request.user,
            aid_agreement=data["aid_agreement"],
            shipment_date=data["shipment_date"],
            items=data["items"],
            note=data["note"],
        ),
        done=created,
        again=page,
    )


@login_required
def shipment_detail(request: HttpRequest, shipment_id: int) -> HttpResponse:
    shipment = selectors.shipment_get(user=request.user, pk=shipment_id)
    return render(request, "decommissioning/shipment_detail.html", _shipment_context(request, shipment))


def _shipment_context(request: HttpRequest, shipment: Any, follow_up_form: Any = None) -> dict[str, Any]:
    items = selectors.shipment_items(shipment=shipment)
    can_decide = scope_for(request.user).can(Cap.SURPLUS_DECIDE, shipment.organisation_id)
    return {
        "shipment": shipment,
        "rows": [{"item": i, "open_steps": _open_labels(i)} for i in items],
        "can_hand_over": can_decide and shipment.status == ShipmentStatus.PLANNED,
        "can_follow_up": can_decide and shipment.status == ShipmentStatus.HANDED_OVER,
        "follow_up_form": follow_up_form or FollowUpForm(initial={"follow_up": shipment.follow_up}),
    }


@login_required
def shipment_hand_over(request: HttpRequest, shipment_id: int) -> HttpResponse:
    shipment = selectors.shipment_get(user=request.user, pk=shipment_id)
    if request.method == "POST":
        scope_for(request.user).require(Cap.SURPLUS_DECIDE, shipment.organisation_id)
        try:
            services.donation_shipment_hand_over(user=request.user, shipment=shipment)
        except (ValidationError, PermissionDenied) as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Shipment %(id)s handed over.") % {"id": shipment.pk})
    return redirect("decommissioning:shipment_detail", shipment_id=shipment.pk)


@login_required
def shipment_follow_up(request: HttpRequest, shipment_id: int) -> HttpResponse:
    shipment = selectors.shipment_get(user=request.user, pk=shipment_id)
    if request.method != "POST":
        return redirect("decommissioning:shipment_detail", shipment_id=shipment.pk)
    scope_for(request.user).require(Cap.SURPLUS_DECIDE, shipment.organisation_id)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.donation_shipment_follow_up(
                user=request.user,
                shipment=shipment,
                follow_up=form.cleaned_data["follow_up"],
                received_on=form.cleaned_data["received_on"],
            )
        except (ValidationError, PermissionDenied) as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Follow-up recorded."))
            return redirect("decommissioning:shipment_detail", shipment_id=shipment.pk)
    shipment = selectors.shipment_get(user=request.user, pk=shipment_id)
    return render(
        request,
        "decommissioning/shipment_detail.html",
        _shipment_context(request, shipment, form),
        status=422,
    )


@login_required
def shipment_manifest(request: HttpRequest, shipment_id: int, fmt: str) -> HttpResponse:
    from medtek.decommissioning import exports

    shipment = selectors.shipment_get(user=request.user, pk=shipment_id)
    rows = selectors.shipment_manifest_rows(shipment=shipment)
    if fmt == "xlsx":
        return download(exports.manifest_xlsx(shipment, rows), f"manifest-{shipment.pk}.xlsx")
    return download(exports.manifest_pdf(shipment, rows), f"manifest-{shipment.pk}.pdf")


@login_required
def donation_report(request: HttpRequest, fmt: str = "") -> HttpResponse:
    from medtek.decommissioning import exports

    form = PeriodForm(request.GET or None)
    today = timezone.localdate()
    start, end = today.replace(month=1, day=1), today
    if form.is_valid():
        start = form.cleaned_data["date_from"] or start
        end = form.cleaned_data["date_to"] or end
    report = selectors.donation_report(user=request.user, date_from=start, date_to=end)
    if fmt == "pdf":
        return download(exports.report_pdf(report), f"donations-{start}-{end}.pdf")
    if fmt == "xlsx":
        return download(exports.report_xlsx(report), f"donations-{start}-{end}.xlsx")
    query = f"?date_from={start.isoformat()}&date_to={end.isoformat()}"
    return render(
        request,
        "decommissioning/donation_report.html",
        {
            "form": form,
            "report": report,
            "pdf_url": reverse("decommissioning:donation_report_pdf") + query,
            "xlsx_url": reverse("decommissioning:donation_report_xlsx") + query,
        },
    )


@login_required
def fixed_asset_disposals(request: HttpRequest) -> HttpResponse:
    scope_for(request.user).require(Cap.BILLING_VIEW)
    rows = selectors.fixed_asset_disposals(user=request.user)
    return render(request, "decommissioning/fixed_asset_disposals.html", {"rows": rows})


@login_required
@require_GET
def aid_agreement_list(request: HttpRequest) -> HttpResponse:
    """The region's agreements with aid organisations; MT admin records a new one, or changes one, here."""
    scope = scope_for(request.user)
    agreements = selectors.aid_agreement_list(user=request.user)
    return render(
        request,
        "decommissioning/aid_agreement_list.html",
        {
            "agreements": agreements,
            "can_manage": scope.can(Cap.AGREEMENT_MANAGE),
            "editable": {a.pk for a in agreements if scope.can(Cap.AGREEMENT_MANAGE, a.region_id)},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def aid_agreement_new(request: HttpRequest) -> HttpResponse:
    """MT admin records an agreement with an aid organisation, through the service the API calls."""
    scope_for(request.user).require(Cap.AGREEMENT_MANAGE)

    def page(form: AidAgreementForm) -> HttpResponse:
        return render(request, "decommissioning/aid_agreement_form.html", {"form": form})

    if request.method != "POST":
        return page(AidAgreementForm(user=request.user))

    def recorded(agreement: AidAgreement) -> HttpResponse:
        messages.success(
            request, _("Aid agreement %(reference)s recorded.") % {"reference": agreement.reference}
        )
        return redirect("decommissioning:aid_agreement_list")

    return handle_form(
        request,
        AidAgreementForm(request.POST, user=request.user),
        lambda data: services.aid_agreement_create(user=request.user, contact=request.user, **data),
        done=recorded,
        again=page,
    )


@login_required
@require_http_methods(["GET", "POST"])
def aid_agreement_edit(request: HttpRequest, aid_agreement_id: int) -> HttpResponse:
    """MT admin changes an aid agreement's organisation, reference, period or notes (the API's service)."""
    agreement = selectors.aid_agreement_get(
        user=request.user, pk=aid_agreement_id, capability=Cap.AGREEMENT_MANAGE
    )

    def page(form: AidAgreementForm) -> HttpResponse:
        return render(
            request, "decommissioning/aid_agreement_edit.html", {"form": form, "agreement": agreement}
        )

    form = AidAgreementEditForm(
        request.POST if request.method == "POST" else None, user=request.user, agreement=agreement
    )
    if request.method != "POST":
        return page(form)

    def saved(changed: AidAgreement) -> HttpResponse:
        messages.success(request, _("Aid agreement %(reference)s saved.") % {"reference": changed.reference})
        return redirect("decommissioning:aid_agreement_list")

    return handle_form(
        request,
        form,
        lambda _data: services.aid_agreement_update(user=request.user, agreement=agreement, **form.changes()),
        done=saved,
        again=page,
    )
