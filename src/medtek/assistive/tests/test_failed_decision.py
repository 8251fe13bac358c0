"""HMC's decision after a failed reconditioning, on the loan's page (Swedish, asking first, keeping what
was typed) and in the API: repair, surplus or scrapping, made once; bad input names the field and
writes nothing."""

import json

import pytest
from django.test import Client

from medtek.assistive import services
from medtek.assistive.models import Loan
from medtek.assistive.tests.conftest import VALID
from medtek.core.models import Event
from medtek.decommissioning.models import SurplusCase, SurplusItem
from medtek.inventory.choices import DeviceStatus
from medtek.maintenance import services as maintenance
from medtek.maintenance.demo import passing_answers
from medtek.maintenance.models import ProtocolRecord


def client_for(user, language="sv"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def api(user, loan, body):
    return client_for(user, "en").post(
        f"/api/v1/assistive/loans/{loan.pk}/reconditioning-decision",
        data=json.dumps(body),
        content_type="application/json",
    )


def returned_loan(w):
    prescription = services.prescription_create(
        user=w.prescriber_user,
        patient_identity=VALID,
        article=w.lift,
        need="Förflyttning säng–rullstol",
        delivery_address="Storgatan 1, Halmstad",
    )
    services.loan_dispense(user=w.hmc, prescription=prescription, item=w.items[0].device)
    return services.loan_return(user=w.hmc, item=w.items[0].device, condition="damaged")


def failed_loan(w):
    loan = returned_loan(w)
    wo = loan.reconditioning
    maintenance.work_order_start(user=w.hmc, work_order=wo)
    record = ProtocolRecord.objects.get(work_order=wo)
    answers = passing_answers(record)
    answers[next(iter(answers))] = {"checked": False}
    maintenance.protocol_record(user=w.hmc, record=record, results=answers)
    maintenance.work_order_complete(user=w.hmc, work_order=wo)
    return loan


def device_status(loan):
    loan.item.device.refresh_from_db()
    return loan.item.device.status


# --- the service -------------------------------------------------------------------------------------


def test_a_repair_decision_is_recorded_on_the_loan_and_the_item_stays_blocked_for_the_repair(hmc_world):
    w = hmc_world
    loan = failed_loan(w)
    services.reconditioning_failed_decide(user=w.hmc, loan=loan.pk, decision="repair", reason="Byt motor")
    loan.refresh_from_db()
    assert (loan.decision, loan.decision_reason, loan.decided_by) == ("repair", "Byt motor", w.hmc)
    assert device_status(loan) == DeviceStatus.BLOCKED
    assert Event.objects.filter(device_id=loan.item.device_id, kind="assistive.repair_decided").exists()
    assert not SurplusCase.objects.exists()


def test_a_second_decision_is_refused_naming_the_first_and_writes_nothing(hmc_world):
    w = hmc_world
    loan = failed_loan(w)
    services.reconditioning_failed_decide(user=w.hmc, loan=loan.pk, decision="repair")
    before = Event.objects.count()
    with pytest.raises(Exception) as exc:
        services.reconditioning_failed_decide(user=w.hmc, item=loan.item.device, decision="surplus")
    assert exc.value.message_dict == {
        "decision": ["The decision after this failed reconditioning is already made: Repair."]
    }
    assert not SurplusCase.objects.exists()
    assert Event.objects.count() == before


# --- the page ----------------------------------------------------------------------------------------


def test_hmc_sees_the_failed_reconditioning_on_the_overview_and_the_decision_form_on_the_loan(hmc_world):
    w = hmc_world
    loan = failed_loan(w)
    overview = client_for(w.hmc).get("/assistive/").content.decode()
    assert "Underkänd rekonditionering: väntar på beslut" in overview
    assert f"/assistive/loans/{loan.pk}/#decision" in overview
    page = client_for(w.hmc).get(f"/assistive/loans/{loan.pk}/").content.decode()
    assert "Beslut efter underkänd rekonditionering" in page
    assert "Reparera" in page and "Övertaligt (avvecklingsärende)" in page and "Skrota" in page
    assert 'data-confirm="Registrera beslutet? Övertaligt och skrotning kan inte ångras."' in page


def test_a_loan_whose_reconditioning_is_under_way_shows_no_decision_form(hmc_world):
    w = hmc_world
    loan = returned_loan(w)
    page = client_for(w.hmc).get(f"/assistive/loans/{loan.pk}/").content.decode()
    assert "Beslut efter underkänd rekonditionering" not in page


def test_scrapping_on_the_page_opens_a_surplus_case_decided_destroy(hmc_world):
    w = hmc_world
    loan = failed_loan(w)
    client = client_for(w.hmc)
    response = client.post(
        f"/assistive/loans/{loan.pk}/decision/",
        {"decision": "scrap", "waste_category": "electronic", "reason": "Lyftmotorn trasig"},
    )
    assert response.status_code == 302
    surplus = SurplusItem.objects.get(device=loan.item.device)
    assert (surplus.disposition, surplus.waste_category) == ("destroy", "electronic")
    page = client.get(response["Location"]).content.decode()
    assert "Beslut efter underkänd rekonditionering av HMC-T0: Skrota." in page
    assert "Lyftmotorn trasig" in page
    assert device_status(loan) == DeviceStatus.SURPLUS


def test_scrapping_without_a_waste_category_on_the_page_says_so_at_the_field_and_keeps_the_reason(
    hmc_world,
):
    w = hmc_world
    loan = failed_loan(w)
    response = client_for(w.hmc).post(
        f"/assistive/loans/{loan.pk}/decision/", {"decision": "scrap", "reason": "Lyftmotorn trasig"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    field = page[page.index('id="field-waste_category"') :]
    assert (
        "Destruktion kräver avfallskategori (regionens avfallshantering)." in field[: field.index("</div>")]
    )
    assert "Lyftmotorn trasig</textarea>" in page
    assert not SurplusCase.objects.exists()
    assert Loan.objects.get(pk=loan.pk).decision == ""


def test_surplus_on_the_page_for_an_item_whose_reconditioning_did_not_fail_is_refused(hmc_world):
    w = hmc_world
    loan = returned_loan(w)
    response = client_for(w.hmc).post(f"/assistive/loans/{loan.pk}/decision/", {"decision": "surplus"})
    assert response.status_code == 422
    assert "Bara en individ som inte klarade rekonditioneringen väntar på det här beslutet." in (
        response.content.decode()
    )
    assert not SurplusCase.objects.exists()


def test_a_prescriber_may_not_decide_on_the_page(hmc_world):
    w = hmc_world
    loan = failed_loan(w)
    response = client_for(w.prescriber_user).post(
        f"/assistive/loans/{loan.pk}/decision/", {"decision": "surplus"}
    )
    assert response.status_code == 403
    assert not SurplusCase.objects.exists()


# --- the API -----------------------------------------------------------------------------------------


def test_surplus_in_the_api_opens_a_surplus_case_and_answers_the_decision(hmc_world):
    w = hmc_world
    loan = failed_loan(w)
    response = api(w.hmc, loan, {"decision": "surplus", "reason": "Ej lönsam att reparera"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["loan_id"], body["decision"], body["device_status"]) == (loan.pk, "surplus", "surplus")
    assert body["decision_reason"] == "Ej lönsam att reparera"
    surplus = SurplusItem.objects.select_related("case").get(device=loan.item.device)
    assert (surplus.state, surplus.case.note) == ("registered", "Ej lönsam att reparera")


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"decision": "scrap"},
            "waste_category",
            "Destruction needs the waste category (the region's waste handling, avfallshantering).",
        ),
        ({"decision": "sell"}, "decision", "Decide: repair, surplus or scrapping."),
    ],
)
def test_bad_input_in_the_api_names_the_field_and_writes_nothing(hmc_world, body, field, message):
    w = hmc_world
    loan = failed_loan(w)
    before = Event.objects.count()
    response = api(w.hmc, loan, body)
    assert response.status_code == 422
    assert response.json()["errors"] == {field: [message]}
    assert Event.objects.count() == before
    assert not SurplusCase.objects.exists()


def test_deciding_twice_in_the_api_is_refused(hmc_world):
    w = hmc_world
    loan = failed_loan(w)
    assert api(w.hmc, loan, {"decision": "surplus"}).status_code == 200
    response = api(w.hmc, loan, {"decision": "scrap", "waste_category": "metal"})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "decision": [
            "The decision after this failed reconditioning is already made: "
            "Surplus case (reuse, aid, sale or scrapping decided there)."
        ]
    }
    assert SurplusItem.objects.get(device=loan.item.device).state == "registered"


def test_the_api_refuses_an_item_whose_reconditioning_did_not_fail(hmc_world):
    w = hmc_world
    loan = returned_loan(w)
    response = api(w.hmc, loan, {"decision": "surplus"})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "decision": ["Only an item that failed its reconditioning awaits this decision."]
    }


def test_the_api_refuses_a_prescriber_403(hmc_world):
    w = hmc_world
    loan = failed_loan(w)
    before = Event.objects.count()
    response = api(w.prescriber_user, loan, {"decision": "surplus"})
    assert response.status_code == 403
    assert Event.objects.count() == before


def test_another_centres_loan_is_not_found(hmc_world, django_user_model):
    from medtek.assistive.tests.isolation import FOREIGN
    from medtek.organizations.tests.factories import MunicipalityFactory

    w = hmc_world
    w.superuser = django_user_model.objects.create_superuser("root-decision", password="x")
    theirs = Loan.objects.get(pk=FOREIGN["returned_loan_id"](w, MunicipalityFactory(name="Annan kommun")))
    response = api(w.hmc, theirs, {"decision": "surplus"})
    assert response.status_code == 404
    assert client_for(w.hmc).post(f"/assistive/loans/{theirs.pk}/decision/", {}).status_code == 404
    assert not SurplusCase.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "decision"),
        ({"decision": ["scrap"]}, "decision"),
        ({"decision": "scrap", "reason": "x" * 2001}, "reason"),
    ],
)
def test_a_malformed_body_in_the_api_names_the_field_and_writes_nothing(hmc_world, body, field):
    w = hmc_world
    loan = failed_loan(w)
    before = Event.objects.count()
    response = api(w.hmc, loan, body)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert Event.objects.count() == before
