"""Every write of the assistive-device centre: catalogue, items, prescriptions, dispensing, fitting,
return and reconditioning. Each is atomic and refuses with its reason; nothing is half-written.

A patient's identity never reaches an event, a log line or an error message: events name the patient
by nothing, the prescription by its number.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medtek.assistive import identity, rules
from medtek.assistive.choices import EventKind, FailedDecision, PrescriptionStatus, ReturnCondition
from medtek.assistive.models import Article, Item, Loan, Patient, Prescriber, Prescription
from medtek.core.events import record_event
from medtek.core.money import money
from medtek.decommissioning import rules as decommissioning_rules
from medtek.decommissioning import services as decommissioning
from medtek.decommissioning.choices import Disposition, SurplusReason
from medtek.inventory.choices import DeviceStatus
from medtek.inventory.models import Device, DeviceModel
from medtek.inventory.services import device_change_status, device_create, device_record_event
from medtek.maintenance.choices import WorkOrderKind
from medtek.maintenance.models import WorkOrder
from medtek.maintenance.services import reconditioning_order_open
from medtek.organizations.models import Location, Organisation
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for


def _invalid(exc: rules.RuleError) -> ValidationError:
    return ValidationError({exc.field: exc.message})


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def _amount(value: Any, field: str) -> Decimal:
    try:
        amount = money(Decimal(str(value)))
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationError({field: _("Give an amount in kronor, e.g. 450.00.")}) from exc
    if amount < 0:
        raise ValidationError({field: _("An amount cannot be negative.")})
    return amount


def _today() -> dt.date:
    return timezone.localdate()


def _day(value: dt.date | None, field: str, *, not_before: dt.date | None = None) -> dt.date:
    day = value or _today()
    if day > _today():
        raise ValidationError({field: _("The day cannot be in the future.")})
    if not_before is not None and day < not_before:
        raise ValidationError(
            {field: _("The day cannot be before %(day)s.") % {"day": not_before.isoformat()}}
        )
    return day


# --- catalogue and items ---------------------------------------------------------------------


ARTICLE_FIELDS = ("name", "iso_code", "monthly_rent", "price", "needs_fitting", "fitting_fee", "delivery_fee")


def _managed_centre(user: Any, centre: Organisation | int | None) -> int:
    """The centre an article belongs to: the one named (which the user manages), or the user's only one."""
    scope = scope_for(user)
    scope.require(Cap.ASSISTIVE_MANAGE)
    if centre is None:
        managed = [o for o in scope.home_org_ids if scope.can(Cap.ASSISTIVE_MANAGE, o)]
        if len(managed) != 1:
            raise ValidationError({"centre": _("Name the assistive-device centre.")})
        return int(managed[0])
    centre_id = int(_pk(centre))
    if not scope.can(Cap.VIEW, centre_id):
        raise ValidationError({"centre": _("Unknown organisation.")})
    scope.require(Cap.ASSISTIVE_MANAGE, centre_id)
    return centre_id


def _article_apply(article: Article, changes: dict[str, Any]) -> None:
    """Set an article's name, code and prices from `changes`, each checked, the field named on refusal."""
    if "name" in changes:
        article.name = (changes["name"] or "").strip()
        if not article.name:
            raise ValidationError({"name": _("Name the article.")})
    if "iso_code" in changes:
        try:
            article.iso_code = rules.check_iso_9999(changes["iso_code"] or "")
        except rules.RuleError as exc:
            raise _invalid(exc) from exc
    for field in ("monthly_rent", "price", "fitting_fee", "delivery_fee"):
        if field in changes:
            setattr(article, field, _amount(changes[field], field))
    if "needs_fitting" in changes:
        article.needs_fitting = bool(changes["needs_fitting"])
    if article.fitting_fee and not article.needs_fitting:
        raise ValidationError(
            {"fitting_fee": _("A fitting fee applies only to an article that needs fitting (utprovning).")}
        )


def _article_saved(user: Any, article: Article) -> Article:
    article.full_clean()
    article.save()
    record_event(
        kind=EventKind.ARTICLE_SAVED,
        subject=article,
        actor=user,
        data={"iso_code": article.iso_code, "monthly_rent": article.monthly_rent, "price": article.price},
        message=article.name,
    )
    return article


@transaction.atomic
def article_save(
    *,
    user: Any,
    centre: Organisation | int,
    device_model: DeviceModel | int,
    name: str,
    iso_code: str,
    monthly_rent: Any,
    price: Any,
    needs_fitting: bool = False,
    fitting_fee: Any = 0,
    delivery_fee: Any = 0,
) -> Article:
    """Add an article to the centre's catalogue, or change its name, code and prices (by its model)."""
    fields = {
        "name": name,
        "iso_code": iso_code,
        "monthly_rent": monthly_rent,
        "price": price,
        "needs_fitting": needs_fitting,
        "fitting_fee": fitting_fee,
        "delivery_fee": delivery_fee,
    }
    existing = Article.objects.filter(
        centre_id=_managed_centre(user, centre), device_model_id=_pk(device_model)
    ).first()
    if existing is not None:
        return article_update(user=user, article=existing, **fields)
    return article_create(user=user, device_model=device_model, centre=centre, **fields)


@transaction.atomic
def article_create(
    *,
    user: Any,
    device_model: DeviceModel | int | None,
    name: str,
    iso_code: str,
    monthly_rent: Any,
    price: Any,
    needs_fitting: bool = False,
    fitting_fee: Any = 0,
    delivery_fee: Any = 0,
    centre: Organisation | int | None = None,
) -> Article:
    """A new article in the centre's catalogue: a model of assistive device with its code and prices."""
    centre_id = _managed_centre(user, centre)
    model = DeviceModel.objects.filter(pk=_pk(device_model)).first() if device_model else None
    if model is None:
        raise ValidationError({"device_model": _("Unknown device model.")})
    if not model.is_assistive:
        raise ValidationError({"device_model": _("An article is a model of assistive device.")})
    if Article.objects.filter(centre_id=centre_id, device_model=model).exists():
        raise ValidationError({"device_model": _("The centre already has an article for this model.")})
    article = Article(centre_id=centre_id, device_model=model)
    _article_apply(
        article,
        {
            "name": name,
            "iso_code": iso_code,
            "monthly_rent": monthly_rent,
            "price": price,
            "needs_fitting": needs_fitting,
            "fitting_fee": fitting_fee,
            "delivery_fee": delivery_fee,
        },
    )
    return _article_saved(user, article)


@transaction.atomic
def article_update(*, user: Any, article: Article | int, **changes: Any) -> Article:
    """Change an article's name, ISO 9999 code, rent, price, fitting and fees (only those given)."""
    unknown = sorted(set(changes) - set(ARTICLE_FIELDS))
    if unknown:
        raise ValidationError({unknown[0]: _("This cannot be changed on an article.")})
    art = Article.objects.select_for_update().get_visible(user, Cap.ASSISTIVE_MANAGE, pk=_pk(article))
    _article_apply(art, changes)
    return _article_saved(user, art)


@transaction.atomic
def item_add(
    *,
    user: Any,
    article: Article | int,
    asset_number: str,
    serial_number: str = "",
    location: Location | int | None = None,
    acquisition_date: dt.date | None = None,
    registered_on: dt.date | None = None,
) -> Item:
    """Register an item of an article: a device of the centre, in stock (since `registered_on`)."""
    art = Article.objects.get_visible(user, Cap.ASSISTIVE_MANAGE, pk=_pk(article))
    scope_for(user).require(Cap.ASSISTIVE_MANAGE, art.centre_id)
    device = device_create(
        user=user,
        asset_number=asset_number,
        model=art.device_model_id,
        owner=art.centre_id,
        location=location,
        serial_number=serial_number,
        acquisition_date=acquisition_date,
        acquisition_value=art.price,
        status=DeviceStatus.IN_STOCK,
        registered_at=_moment(registered_on) if registered_on else None,
    )
    item = Item.objects.create(device=device, article=art)
    device_record_event(
        device=device,
        kind=EventKind.ITEM_ADDED,
        actor=user,
        data={"article": art.pk},
        subject=item,
        occurred_at=_moment(registered_on) if registered_on else None,
    )
    return item


# --- prescriptions ----------------------------------------------------------------------------


def _prescriber_for(user: Any, prescriber: Prescriber | int | None) -> Prescriber:
    """The user's own prescriber record; HMC staff prescribe in the name of a prescriber they reach."""
    own = Prescriber.objects.filter(user=user).select_related("organisation").first()
    if prescriber is None or (own is not None and _pk(prescriber) == own.pk):
        if own is None:
            scope_for(user).require(Cap.ASSISTIVE_PRESCRIBE)
            raise ValidationError({"prescriber": _("Name the prescriber (förskrivare).")})
        scope_for(user).require(Cap.ASSISTIVE_PRESCRIBE, own.organisation_id)
        return own
    found = Prescriber.objects.visible_to(user).filter(pk=_pk(prescriber)).first()
    if found is None:
        raise ValidationError({"prescriber": _("Unknown prescriber.")})
    scope_for(user).require(Cap.ASSISTIVE_MANAGE, found.organisation_id)
    return found


def _patient(identity_value: str, organisation_id: int) -> Patient:
    try:
        normalized, kind = rules.normalize_identity(identity_value)
    except rules.RuleError as exc:
        # Named as the prescription's field (the page's and the API's), not as the rule calls it.
        raise ValidationError({"patient_identity": exc.message}) from exc
    digest = identity.lookup_hash(normalized)
    found = Patient.objects.filter(identity_hash=digest).first()
    if found is not None:
        return found
    return Patient.objects.create(
        identity_encrypted=identity.encrypt(normalized),
        identity_hash=digest,
        identity_kind=kind,
        organisation_id=organisation_id,
    )


@transaction.atomic
def prescription_create(
    *,
    user: Any,
    patient_identity: str,
    article: Article | int,
    need: str,
    delivery_address: str = "",
    delivery_unit: Location | int | None = None,
    prescriber: Prescriber | int | None = None,
    prescribed_on: dt.date | None = None,
) -> Prescription:
    """A prescription (förskrivning) of an article for a patient, billed to the prescriber's organisation."""
    who = _prescriber_for(user, prescriber)
    art = Article.objects.visible_to(user).filter(pk=_pk(article)).first()
    if art is None:
        raise ValidationError({"article": _("Unknown article.")})
    if not (need or "").strip():
        raise ValidationError({"need": _("Describe the need the device meets.")})
    unit = None
    if delivery_unit is not None:
        unit = Location.objects.visible_to(user).filter(pk=_pk(delivery_unit)).first()
        if unit is None:
            raise ValidationError({"delivery_unit": _("Unknown unit.")})
    if not (delivery_address or "").strip() and unit is None:
        raise ValidationError({"delivery_address": _("Give a delivery address or a unit.")})
    patient = _patient(patient_identity, who.organisation_id)
    prescription = Prescription(
        number=f"tmp-{uuid.uuid4().hex[:12]}",
        prescriber=who,
        organisation_id=who.organisation_id,
        patient=patient,
        article=art,
        need=need.strip(),
        delivery_address=(delivery_address or "").strip(),
        delivery_unit=unit,
        prescribed_on=_day(prescribed_on, "prescribed_on"),
    )
    prescription.full_clean(exclude=["number"])
    prescription.save()
    prescription.number = f"FS-{prescription.pk:06d}"
    prescription.save(update_fields=["number"])
    record_event(
        kind=EventKind.PRESCRIBED,
        subject=prescription,
        actor=user,
        data={"number": prescription.number, "article": art.pk, "organisation": who.organisation_id},
        message=f"{prescription.number}: {art.name}",
    )
    return prescription


@transaction.atomic
def prescription_cancel(*, user: Any, prescription: Prescription | int) -> Prescription:
    """Cancel a prescription not yet dispensed."""
    p = Prescription.objects.select_for_update().get_visible(
        user, Cap.ASSISTIVE_PRESCRIBE, pk=_pk(prescription)
    )
    if p.status != PrescriptionStatus.OPEN:
        raise ValidationError({"status": _("Only a prescription waiting for dispensing can be cancelled.")})
    p.status = PrescriptionStatus.CANCELLED
    p.save(update_fields=["status", "updated_at"])
    record_event(kind=EventKind.PRESCRIPTION_CANCELLED, subject=p, actor=user, data={"number": p.number})
    return p


# --- dispensing, fitting, return ------------------------------------------------------------


def _item_for_dispensing(user: Any, device: Device | int) -> Item:
    dev = Device.objects.visible_to(user).filter(pk=_pk(device)).first()
    if dev is None:
        raise ValidationError({"item": _("Unknown item.")})
    item = Item.objects.select_related("device", "article").filter(device=dev).first()
    if item is None:
        raise ValidationError({"item": _("This device is not one of the centre's assistive items.")})
    scope_for(user).require(Cap.ASSISTIVE_MANAGE, dev.owner_id)
    return item


@transaction.atomic
def loan_dispense(
    *,
    user: Any,
    prescription: Prescription | int,
    item: Device | int,
    delivered_to: str = "",
    dispensed_on: dt.date | None = None,
    due_back_on: dt.date | None = None,
) -> Loan:
    """Dispense (utlämning) an item in stock for a prescription: on loan to the patient from that day."""
    p = Prescription.objects.select_for_update().get_visible(user, Cap.ASSISTIVE_MANAGE, pk=_pk(prescription))
    if p.status != PrescriptionStatus.OPEN:
        raise ValidationError({"prescription": _("This prescription is not waiting for dispensing.")})
    chosen = _item_for_dispensing(user, item)
    # Lock the device so two dispensings of one item never both pass the check.
    device = Device.objects.select_for_update().get(pk=chosen.device_id)
    try:
        rules.check_dispensable(device.status)
    except rules.RuleError as exc:
        raise _invalid(exc) from exc
    if chosen.article.device_model_id != p.article.device_model_id:
        raise ValidationError(
            {"item": _("The item is not of the prescribed article (%(article)s).") % {"article": p.article}}
        )
    day = _day(dispensed_on, "dispensed_on", not_before=p.prescribed_on)
    place = (
        (delivered_to or "").strip()
        or p.delivery_address
        or (str(p.delivery_unit) if p.delivery_unit else "")
    )
    loan = Loan(
        prescription=p,
        item=chosen,
        patient_id=p.patient_id,
        organisation_id=p.organisation_id,
        dispensed_on=day,
        dispensed_by=user,
        delivered_to=place,
        due_back_on=due_back_on,
    )
    loan.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            loan.save()
    except IntegrityError as exc:
        raise ValidationError({"item": _("The item is already on loan.")}) from exc
    p.status = PrescriptionStatus.DISPENSED
    p.save(update_fields=["status", "updated_at"])
    device_change_status(
        user=user,
        device=device,
        status=DeviceStatus.ON_LOAN,
        reason=_("Dispensed on %(number)s") % {"number": p.number},
        capability=Cap.ASSISTIVE_MANAGE,
        subject=loan,
        occurred_at=_moment(day),
    )
    device_record_event(
        device=device,
        kind=EventKind.DISPENSED,
        actor=user,
        data={
            "loan": loan.pk,
            "prescription": p.number,
            "organisation": p.organisation_id,
            "dispensed_on": day,
        },
        message=_("Dispensed on %(number)s") % {"number": p.number},
        subject=loan,
        occurred_at=_moment(day),
    )
    return loan


def _moment(day: dt.date) -> dt.datetime | None:
    if day >= _today():
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def _open_loan(user: Any, loan: Loan | int, capability: str = Cap.ASSISTIVE_MANAGE) -> Loan:
    return (
        Loan.objects.select_for_update(of=("self",))
        .select_related("item__device", "item__article", "prescription")
        .get_visible(user, capability, pk=_pk(loan))
    )


@transaction.atomic
def loan_fit(
    *,
    user: Any,
    loan: Loan | int,
    fitted: bool,
    adjustments: str = "",
    result: str = "",
    fitted_on: dt.date | None = None,
) -> Loan:
    """Record the fitting (utprovning): adjustments made, by whom, the result and whether it fits."""
    ln = _open_loan(user, loan)
    if not ln.is_open:
        raise ValidationError({"loan": _("The item has been returned: there is nothing to fit.")})
    ln.fitted_on = _day(fitted_on, "fitted_on", not_before=ln.dispensed_on)
    ln.fitted_by = user
    ln.fitted = bool(fitted)
    ln.fitting_adjustments = (adjustments or "").strip()
    ln.fitting_result = (result or "").strip()
    ln.save()
    device_record_event(
        device=ln.item.device,
        kind=EventKind.FITTED,
        actor=user,
        data={"loan": ln.pk, "prescription": ln.prescription.number, "fitted": ln.fitted},
        message=_("Fitted") if ln.fitted else _("Fitting: does not fit"),
        subject=ln,
        occurred_at=_moment(ln.fitted_on),
    )
    return ln


@transaction.atomic
def loan_return(
    *,
    user: Any,
    condition: str,
    item: Device | int | None = None,
    loan: Loan | int | None = None,
    returned_on: dt.date | None = None,
    note: str = "",
) -> Loan:
    """Take an item back (återlämning), named by the item or by its loan: the loan ends and the item
    goes to reconditioning work."""
    ln: Loan | None
    if loan is not None:
        ln = _open_loan(user, loan)
        if not ln.is_open:
            raise ValidationError({"loan": _("The item is not on loan: there is nothing to return.")})
        dev = Device.objects.select_for_update().get(pk=ln.item.device_id)
    else:
        found = Device.objects.select_for_update().filter(pk=_pk(item)).first()
        if found is None or not Device.objects.visible_to(user).filter(pk=found.pk).exists():
            raise ValidationError({"item": _("Unknown item.")})
        dev = found
        scope_for(user).require(Cap.ASSISTIVE_MANAGE, dev.owner_id)
        ln = (
            Loan.objects.select_for_update(of=("self",))
            .filter(item__device=dev, returned_on__isnull=True)
            .first()
        )
        if ln is None:
            raise ValidationError({"item": _("The item is not on loan: there is nothing to return.")})
    if condition not in ReturnCondition.values:
        raise ValidationError({"condition": _("Say the item's condition: good, worn or damaged.")})
    ln.returned_on = _day(returned_on, "returned_on", not_before=ln.dispensed_on)
    ln.returned_by = user
    ln.return_condition = condition
    ln.return_note = (note or "").strip()
    ln.save()
    when = _moment(ln.returned_on)
    device_change_status(
        user=user,
        device=dev,
        status=DeviceStatus.RETURNED,
        reason=_("Returned (%(condition)s)") % {"condition": ReturnCondition(condition).label},
        capability=Cap.ASSISTIVE_MANAGE,
        subject=ln,
        occurred_at=when,
    )
    device_change_status(
        user=user,
        device=dev,
        status=DeviceStatus.RECONDITIONING,
        reason=_("To reconditioning after return"),
        capability=Cap.ASSISTIVE_MANAGE,
        subject=ln,
        occurred_at=when,
    )
    ln.reconditioning = reconditioning_order_open(
        user=user,
        device=dev,
        title=_("Reconditioning after return (%(condition)s)")
        % {"condition": ReturnCondition(condition).label},
        description=ln.return_note,
    )
    ln.save(update_fields=["reconditioning", "updated_at"])
    device_record_event(
        device=dev,
        kind=EventKind.RETURNED,
        actor=user,
        data={
            "loan": ln.pk,
            "prescription": ln.prescription.number,
            "returned_on": ln.returned_on,
            "condition": condition,
            "work_order": ln.reconditioning.number,
        },
        message=_("Returned (%(condition)s)") % {"condition": ReturnCondition(condition).label},
        subject=ln,
    )
    return ln


def _failed_loan(
    user: Any, *, item: Device | int | None, loan: Loan | int | None
) -> tuple[Loan | None, Device]:
    """The loan whose reconditioning awaits the decision (named, or the item's last returned one) and
    its device, both locked."""
    if loan is not None:
        ln: Loan | None = _open_loan(user, loan)
        assert ln is not None
        return ln, Device.objects.select_for_update().get(pk=ln.item.device_id)
    dev = Device.objects.select_for_update().get_visible(user, Cap.ASSISTIVE_MANAGE, pk=_pk(item))
    if not Item.objects.filter(device=dev).exists():
        raise ValidationError({"item": _("This device is not one of the centre's assistive items.")})
    ln = (
        Loan.objects.select_for_update(of=("self",))
        .filter(item__device=dev, reconditioning__isnull=False)
        .order_by("-returned_on", "-id")
        .first()
    )
    return ln, dev


@transaction.atomic
def reconditioning_failed_decide(
    *,
    user: Any,
    decision: str,
    item: Device | int | None = None,
    loan: Loan | int | None = None,
    waste_category: str = "",
    reason: str = "",
    not_donated_reason: str = "",
    note: str = "",
) -> Device:
    """After a failed reconditioning: repair (the repair work order stands), surplus (a surplus case in
    the decommissioning flow, where HMC decides reuse, aid, sale or scrapping), or scrapping (the same
    case, decided at once to be destroyed as waste of the category given). Decided once, on the loan
    whose return was reconditioned; `reason` says why (also why a donatable item is not donated)."""
    ln, dev = _failed_loan(user, item=item, loan=loan)
    if decision not in FailedDecision.values:
        raise ValidationError({"decision": _("Decide: repair, surplus or scrapping.")})
    if ln is not None and ln.decision:
        raise ValidationError(
            {
                "decision": _("The decision after this failed reconditioning is already made: %(decision)s.")
                % {"decision": FailedDecision(ln.decision).label}
            }
        )
    failed = (
        ln is not None
        and ln.reconditioning is not None
        and ln.reconditioning.approved is False
        and dev.status in (DeviceStatus.BLOCKED, DeviceStatus.UNDER_REPAIR)
    )
    if ln is None or not failed:
        raise ValidationError(
            {"decision": _("Only an item that failed its reconditioning awaits this decision.")}
        )
    if decision == FailedDecision.SCRAP:
        refusals = decommissioning_rules.destroy_refusals(waste_category=(waste_category or "").strip())
        if refusals:
            raise ValidationError({r.field: [str(r.message)] for r in refusals})
    reason = (reason or "").strip()
    note = (note or "").strip() or reason
    not_donated_reason = (not_donated_reason or "").strip() or reason
    ln.decision = decision
    ln.decision_reason = reason or note
    ln.decided_at = timezone.now()
    ln.decided_by = user
    ln.save(update_fields=["decision", "decision_reason", "decided_at", "decided_by", "updated_at"])
    if decision == FailedDecision.REPAIR:
        # The repair work order stands; a passed repair brings the item back in stock.
        device_record_event(
            device=dev,
            kind=EventKind.REPAIR_DECIDED,
            actor=user,
            data={
                "decision": decision,
                "loan": ln.pk,
                "work_order": getattr(ln.reconditioning, "number", ""),
            },
            message=ln.decision_reason,
            subject=ln,
        )
        return dev
    # The repair work order stays for MT to cancel: only those who plan work cancel it.
    case = decommissioning.surplus_case_register(
        user=user,
        reason=SurplusReason.BROKEN_BEYOND_REPAIR,
        devices=[dev.pk],
        organisation=dev.owner_id,
        note=note or _("Failed reconditioning: no further use as an assistive device"),
    )
    surplus_item = case.items.get(device=dev)
    if decision == FailedDecision.SCRAP:
        try:
            decommissioning.surplus_item_decide(
                user=user,
                item=surplus_item,
                disposition=Disposition.DESTROY,
                waste_category=waste_category,
                not_donated_reason=not_donated_reason,
                note=note,
            )
        except ValidationError as exc:
            # The donation rule's reason is the decision's own reason here.
            raise ValidationError(
                {
                    ("reason" if field == "not_donated_reason" else field): messages
                    for field, messages in exc.message_dict.items()
                }
            ) from exc
    dev = Device.objects.get(pk=dev.pk)
    device_record_event(
        device=dev,
        kind=EventKind.SURPLUS_DECIDED,
        actor=user,
        data={"decision": decision, "case": case.pk, "surplus_item": surplus_item.pk, "loan": ln.pk},
        subject=surplus_item,
    )
    return dev


# --- hooks into the register and maintenance --------------------------------------------------


def loan_status_guard(device: Device, status: str) -> None:
    """An item goes on loan only by dispensing, and leaves a loan only by its return."""
    if (
        status == DeviceStatus.ON_LOAN
        and not Loan.objects.filter(item__device=device, returned_on__isnull=True).exists()
    ):
        raise ValidationError(
            {"status": _("An item goes on loan by dispensing (utlämning) on a prescription.")}
        )
    if (
        device.status == DeviceStatus.ON_LOAN
        and status == DeviceStatus.RETURNED
        and Loan.objects.filter(item__device=device, returned_on__isnull=True).exists()
    ):
        raise ValidationError({"status": _("Register the return (återlämning) of the loan.")})


def back_in_stock_after_work(work_order: WorkOrder, user: Any) -> None:
    """Reconditioning passed (or the repair after a failed one): the centre's item is back in stock."""
    if not work_order.approved or work_order.device_id is None:
        return
    recond = work_order.kind == WorkOrderKind.RECONDITIONING or (
        work_order.kind == WorkOrderKind.CM
        and work_order.origin_id is not None
        and WorkOrder.objects.filter(pk=work_order.origin_id, kind=WorkOrderKind.RECONDITIONING).exists()
    )
    if not recond or not Item.objects.filter(device_id=work_order.device_id).exists():
        return
    device = Device.objects.get(pk=work_order.device_id)
    if device.status in (
        DeviceStatus.RECONDITIONING,
        DeviceStatus.IN_USE,
        DeviceStatus.UNDER_REPAIR,
        DeviceStatus.BLOCKED,
    ):
        device_change_status(
            user=user,
            device=device,
            status=DeviceStatus.IN_STOCK,
            reason=_("Reconditioned on %(number)s") % {"number": work_order.number},
            capability=Cap.WORK_DO,
            subject=work_order,
        )
        device_record_event(
            device=device,
            kind=EventKind.RECONDITIONED,
            actor=user,
            data={"work_order": work_order.number},
            subject=work_order,
        )


def require_centre_staff(user: Any) -> None:
    """Pages of the centre's own work (stock, returns): HMC staff only."""
    if not scope_for(user).can(Cap.ASSISTIVE_MANAGE):
        raise PermissionDenied(str(_("Your role may not manage assistive devices.")))
