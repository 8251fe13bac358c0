"""Prescription → dispensing → fitting → loan → return → reconditioning, and the bad inputs."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from medtek.assistive import selectors, services
from medtek.assistive.choices import AccessPurpose, PrescriptionStatus
from medtek.assistive.models import Loan, Patient, PatientAccess, Prescription
from medtek.assistive.tests.conftest import OTHER_VALID, VALID
from medtek.core.models import Event
from medtek.inventory.choices import DeviceStatus
from medtek.maintenance import services as maintenance
from medtek.maintenance.choices import WorkOrderKind, WorkOrderStatus
from medtek.maintenance.demo import passing_answers
from medtek.maintenance.models import ProtocolRecord, WorkOrder


def prescribe(w, identity=VALID, user=None):
    return services.prescription_create(
        user=user or w.prescriber_user,
        patient_identity=identity,
        article=w.lift,
        need="Förflyttning säng–rullstol",
        delivery_address="Storgatan 1, Halmstad",
    )


def dispense(w, prescription, item=None):
    return services.loan_dispense(user=w.hmc, prescription=prescription, item=(item or w.items[0]).device)


def status(item):
    item.device.refresh_from_db()
    return item.device.status


@pytest.mark.parametrize(
    ("identity", "message"),
    [
        ("19121212-1213", "The check digit is wrong: check the number."),
        ("19120230-1213", "This personnummer names a date that does not exist."),
        ("19121292-1212", "This samordningsnummer names no real date of birth (its day minus 60)."),
        ("1912121A-1212", "A personnummer has 10 or 12 digits, e.g. 19121212-1212 (only digits, - or +)."),
        ("", "Give the patient's personnummer or samordningsnummer."),
    ],
)
def test_an_invalid_identity_is_refused_with_the_reason_and_nothing_is_written(hmc_world, identity, message):
    with pytest.raises(ValidationError) as info:
        prescribe(hmc_world, identity)
    assert info.value.message_dict == {"patient_identity": [message]}
    assert identity not in message or not identity
    assert not Prescription.objects.exists() and not Patient.objects.exists()


def test_a_samordningsnummer_is_accepted(hmc_world):
    from stdnum import luhn

    base = "121272121"
    p = prescribe(hmc_world, f"19{base[:6]}-{base[6:]}{luhn.calc_check_digit(base)}")
    assert p.patient.identity_kind == "samordningsnummer"


def test_the_identity_is_stored_encrypted_and_found_by_its_keyed_hash(hmc_world):
    p1 = prescribe(hmc_world, "191212121212")
    p2 = prescribe(hmc_world, VALID)
    patient = Patient.objects.get()
    assert "1212" not in patient.identity_encrypted
    assert p1.patient_id == p2.patient_id == patient.pk
    assert VALID not in str(list(Event.objects.values_list("data", "message")))


def test_a_prescription_is_billed_to_the_prescribers_organisation(hmc_world):
    p = prescribe(hmc_world)
    assert (p.organisation, p.status, p.number) == (hmc_world.town, PrescriptionStatus.OPEN, f"FS-{p.pk:06d}")


def test_dispensing_puts_the_item_on_loan_to_the_patient(hmc_world):
    p = prescribe(hmc_world)
    loan = dispense(hmc_world, p)
    assert status(hmc_world.items[0]) == DeviceStatus.ON_LOAN
    assert (loan.patient_id, loan.organisation, loan.delivered_to) == (
        p.patient_id,
        hmc_world.town,
        "Storgatan 1, Halmstad",
    )
    p.refresh_from_db()
    assert p.status == PrescriptionStatus.DISPENSED


def test_dispensing_an_item_on_loan_is_refused(hmc_world):
    dispense(hmc_world, prescribe(hmc_world))
    second = prescribe(hmc_world, OTHER_VALID)
    with pytest.raises(ValidationError) as info:
        dispense(hmc_world, second)
    assert info.value.message_dict == {"item": ["The item is already on loan."]}
    assert Loan.objects.count() == 1
    second.refresh_from_db()
    assert second.status == PrescriptionStatus.OPEN


def test_a_second_open_loan_of_one_item_is_refused_by_the_database(hmc_world):
    from django.db import IntegrityError, transaction

    loan = dispense(hmc_world, prescribe(hmc_world))
    second = prescribe(hmc_world, OTHER_VALID)
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.create(
            prescription=second,
            item=loan.item,
            patient=second.patient,
            organisation=second.organisation,
            dispensed_on=loan.dispensed_on,
            dispensed_by=hmc_world.hmc,
            delivered_to="x",
        )
    assert Loan.objects.count() == 1


def test_dispensing_a_blocked_item_is_refused(hmc_world):
    from medtek.inventory.services import device_change_status

    device_change_status(user=hmc_world.hmc, device=hmc_world.items[0].device, status=DeviceStatus.BLOCKED)
    p = prescribe(hmc_world)
    with pytest.raises(ValidationError) as info:
        dispense(hmc_world, p)
    assert info.value.message_dict == {"item": ["The item is blocked from use after a failed check."]}
    assert not Loan.objects.exists()


def test_dispensing_a_device_that_is_not_an_assistive_item_is_refused(hmc_world):
    from medtek.inventory.tests.factories import registered_device

    bed = registered_device(hmc_world.mth_admin, model=hmc_world.lift.device_model, owner=hmc_world.region)
    p = prescribe(hmc_world)
    with pytest.raises(ValidationError) as info:
        services.loan_dispense(user=hmc_world.hmc, prescription=p, item=bed)
    assert info.value.message_dict == {"item": ["This device is not one of the centre's assistive items."]}
    with pytest.raises(ValidationError) as info:
        services.loan_dispense(user=hmc_world.hmc, prescription=p, item=hmc_world.ventilator)
    assert info.value.message_dict == {"item": ["Unknown item."]}


def test_returning_an_item_not_on_loan_is_refused(hmc_world):
    with pytest.raises(ValidationError) as info:
        services.loan_return(user=hmc_world.hmc, item=hmc_world.items[0].device, condition="good")
    assert info.value.message_dict == {"item": ["The item is not on loan: there is nothing to return."]}
    assert status(hmc_world.items[0]) == DeviceStatus.IN_STOCK
    assert not WorkOrder.objects.exists()


def test_a_prescriber_cannot_read_or_cancel_another_organisations_prescription(hmc_world):
    p = prescribe(hmc_world)
    with pytest.raises(Http404):
        selectors.prescription_get(user=hmc_world.other_prescriber_user, pk=p.pk)
    with pytest.raises(Http404):
        services.prescription_cancel(user=hmc_world.other_prescriber_user, prescription=p)
    p.refresh_from_db()
    assert p.status == PrescriptionStatus.OPEN


def test_the_identity_shows_to_hmc_and_the_prescriber_and_each_look_is_logged(hmc_world):
    p = prescribe(hmc_world)
    assert (
        selectors.patient_identity(user=hmc_world.hmc, patient=p.patient, purpose=AccessPurpose.DISPENSING)
        == VALID
    )
    assert (
        selectors.patient_identity(
            user=hmc_world.prescriber_user, patient=p.patient, purpose=AccessPurpose.PRESCRIPTION
        )
        == VALID
    )
    assert (
        selectors.patient_identity(user=hmc_world.town_contact, patient=p.patient, purpose=AccessPurpose.LOAN)
        is None
    )
    assert (
        selectors.patient_identity(
            user=hmc_world.other_prescriber_user, patient=p.patient, purpose=AccessPurpose.LOAN
        )
        is None
    )
    assert (
        selectors.patient_identity(user=hmc_world.mth_admin, patient=p.patient, purpose=AccessPurpose.LOAN)
        is None
    )
    log = list(PatientAccess.objects.order_by("id").values_list("user__username", "patient_id", "purpose"))
    assert log == [("hmc-t", p.patient_id, "dispensing"), ("ot-t", p.patient_id, "prescription")]


def test_the_whole_loop_reconditions_and_dispenses_again(hmc_world):
    w = hmc_world
    loan = dispense(w, prescribe(w))
    services.loan_fit(user=w.hmc, loan=loan, fitted=True, adjustments="Selen storlek M", result="Fungerar")
    returned = services.loan_return(user=w.hmc, item=w.items[0].device, condition="worn")
    assert returned.returned_on == dt.date.today()
    assert status(w.items[0]) == DeviceStatus.RECONDITIONING
    wo = returned.reconditioning
    assert (wo.kind, wo.status) == (WorkOrderKind.RECONDITIONING, WorkOrderStatus.ACCEPTED)
    maintenance.work_order_start(user=w.hmc, work_order=wo)
    record = ProtocolRecord.objects.get(work_order=wo)
    assert record.template == w.protocol
    maintenance.protocol_record(user=w.hmc, record=record, results=passing_answers(record))
    maintenance.work_order_complete(user=w.hmc, work_order=wo)
    assert status(w.items[0]) == DeviceStatus.IN_STOCK
    second = dispense(w, prescribe(w, OTHER_VALID))
    assert second.patient_id != loan.patient_id
    kinds = list(Event.objects.filter(device_id=w.items[0].device_id).values_list("kind", flat=True))
    assert kinds.count("assistive.dispensed") == 2
    assert VALID not in str(list(Event.objects.values_list("data", "message")))


def test_a_failed_reconditioning_blocks_the_item_for_repair_or_surplus(hmc_world):
    w = hmc_world
    dispense(w, prescribe(w))
    wo = services.loan_return(user=w.hmc, item=w.items[0].device, condition="damaged").reconditioning
    maintenance.work_order_start(user=w.hmc, work_order=wo)
    record = ProtocolRecord.objects.get(work_order=wo)
    answers = passing_answers(record)
    answers[next(iter(answers))] = {"checked": False}
    maintenance.protocol_record(user=w.hmc, record=record, results=answers)
    maintenance.work_order_complete(user=w.hmc, work_order=wo)
    assert status(w.items[0]) == DeviceStatus.BLOCKED
    repair = WorkOrder.objects.get(origin=wo)
    assert repair.kind == WorkOrderKind.CM
    services.reconditioning_failed_decide(user=w.hmc, item=w.items[0].device, decision="repair")
    assert status(w.items[0]) == DeviceStatus.BLOCKED


def failed_reconditioning(w):
    dispense(w, prescribe(w))
    wo = services.loan_return(user=w.hmc, item=w.items[0].device, condition="damaged").reconditioning
    maintenance.work_order_start(user=w.hmc, work_order=wo)
    record = ProtocolRecord.objects.get(work_order=wo)
    answers = passing_answers(record)
    answers[next(iter(answers))] = {"checked": False}
    maintenance.protocol_record(user=w.hmc, record=record, results=answers)
    maintenance.work_order_complete(user=w.hmc, work_order=wo)
    return w.items[0]


def test_a_failed_reconditioning_decided_to_surplus_opens_a_surplus_case_hmc_decides(hmc_world):
    from medtek.decommissioning.models import SurplusItem

    w = hmc_world
    item = failed_reconditioning(w)
    services.reconditioning_failed_decide(user=w.hmc, item=item.device, decision="surplus")
    assert status(item) == DeviceStatus.SURPLUS
    surplus = SurplusItem.objects.select_related("case").get(device=item.device)
    assert (surplus.case.organisation, surplus.case.department) == (w.centre, w.centre)
    assert (surplus.reason, surplus.state, surplus.disposition) == ("broken_beyond_repair", "registered", "")
    kinds = list(Event.objects.filter(device_id=item.device_id).values_list("kind", flat=True))
    assert "assistive.surplus_decided" in kinds


def test_a_failed_reconditioning_decided_to_scrapping_is_a_surplus_case_decided_destroy(hmc_world):
    from medtek.decommissioning.models import SurplusItem

    w = hmc_world
    item = failed_reconditioning(w)
    services.reconditioning_failed_decide(
        user=w.hmc,
        item=item.device,
        decision="scrap",
        waste_category="electronic",
        not_donated_reason="Lyftmotorn trasig, reservdelar saknas",
    )
    surplus = SurplusItem.objects.get(device=item.device)
    assert (surplus.disposition, surplus.state, surplus.waste_category) == (
        "destroy",
        "decided",
        "electronic",
    )
    assert surplus.decided_by == w.hmc
    assert status(item) == DeviceStatus.SURPLUS


def test_scrapping_without_a_waste_category_says_so_and_opens_no_case(hmc_world):
    from medtek.decommissioning.models import SurplusCase

    w = hmc_world
    item = failed_reconditioning(w)
    with pytest.raises(ValidationError) as exc:
        services.reconditioning_failed_decide(user=w.hmc, item=item.device, decision="scrap")
    assert "waste_category" in exc.value.message_dict
    assert not SurplusCase.objects.exists()
    assert status(item) == DeviceStatus.BLOCKED


def test_an_item_in_stock_awaits_no_failed_reconditioning_decision(hmc_world):
    from medtek.decommissioning.models import SurplusCase

    w = hmc_world
    with pytest.raises(ValidationError) as exc:
        services.reconditioning_failed_decide(user=w.hmc, item=w.items[1].device, decision="surplus")
    assert exc.value.message_dict == {
        "decision": ["Only an item that failed its reconditioning awaits this decision."]
    }
    assert not SurplusCase.objects.exists()


def test_a_prescriber_cannot_dispense(hmc_world):
    p = prescribe(hmc_world)
    with pytest.raises((PermissionDenied, Http404)):
        services.loan_dispense(user=hmc_world.prescriber_user, prescription=p, item=hmc_world.items[0].device)
    assert not Loan.objects.exists()
