"""The pages in Swedish: HMC's overview, a prescriber's new prescription, identity shown and logged."""

import pytest
from django.test import Client

from medtek.assistive.models import PatientAccess, Prescription
from medtek.assistive.tests.conftest import VALID


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(user)
    return client


def test_a_prescriber_prescribes_on_the_page_and_sees_the_identity(hmc_world):
    w = hmc_world
    response = client_for(w.prescriber_user).post(
        "/assistive/prescriptions/new/",
        {
            "patient_identity": VALID,
            "article": w.lift.pk,
            "need": "Förflyttning",
            "delivery_address": "Gatan 1",
        },
    )
    p = Prescription.objects.get()
    assert response.status_code == 302 and VALID not in response["Location"]
    page = client_for(w.prescriber_user).get(response["Location"]).content.decode()
    assert VALID in page
    assert PatientAccess.objects.filter(user=w.prescriber_user, patient=p.patient).count() == 1


def test_an_invalid_personnummer_on_the_page_says_why_and_writes_nothing(hmc_world):
    w = hmc_world
    response = client_for(w.prescriber_user).post(
        "/assistive/prescriptions/new/",
        {
            "patient_identity": "19121212-1213",
            "article": w.lift.pk,
            "need": "x",
            "delivery_address": "Gatan 1",
        },
    )
    assert response.status_code == 422
    assert not Prescription.objects.exists()


def test_hmc_overview_shows_stock_in_swedish(hmc_world):
    page = client_for(hmc_world.hmc).get("/assistive/").content.decode()
    assert "Personlyft, mobil" in page


@pytest.mark.parametrize("who", ["town_contact", "mth_admin"])
def test_a_role_without_patient_view_sees_no_identity_and_no_look_is_logged(hmc_world, who):
    from medtek.assistive import services

    w = hmc_world
    p = services.prescription_create(
        user=w.prescriber_user, patient_identity=VALID, article=w.lift, need="x", delivery_address="Gatan 1"
    )
    page = client_for(getattr(w, who)).get(f"/assistive/prescriptions/{p.pk}/").content.decode()
    assert VALID not in page
    assert not PatientAccess.objects.exists()


def test_the_overview_is_for_hmc_staff(hmc_world):
    assert client_for(hmc_world.prescriber_user).get("/assistive/").status_code == 403
