"""The joint follow-up and evaluation of an agreement (J24) and its report to the arenas (J25)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from medtek.agreements import services
from medtek.agreements.models import Agreement, EvaluationAction
from medtek.core.tests.pdftext import pdf_text

pytestmark = pytest.mark.django_db


def _evaluation(demo: dict[str, Any]) -> Any:
    agreement = Agreement.objects.get(reference="RJH-MT-2026")
    return services.evaluation_start(user=demo["users"]["mt-admin"], agreement=agreement, year=2026)


def test_mt_admin_starts_the_2026_evaluation_adds_a_conclusion_and_an_action_and_the_pdf_names_both_arenas(
    demo,
):
    admin = demo["users"]["mt-admin"]
    evaluation = _evaluation(demo)
    services.evaluation_update(
        user=admin, evaluation=evaluation, conclusions="Fler FU i tid; rådgivningen räcker."
    )
    services.evaluation_action_add(
        user=admin,
        evaluation=evaluation,
        description="Gemensam genomgång av inventarielistan",
        owner_party=demo["orgs"]["MT"],
        owner_name="MT-samordnaren",
        due_on=dt.date(2027, 3, 31),
    )
    client = Client()
    client.force_login(admin)
    response = client.get(f"/reports/evaluations/{evaluation.pk}/pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Lokal samverkansarena" in text
    assert "Länsövergripande tjänstepersonsarena" in text
    assert "Fler FU i tid; rådgivningen räcker." in text
    assert "Gemensam genomgång av inventarielistan" in text
    assert "Östersunds kommun" in text


def test_an_action_without_an_owner_or_a_date_is_refused_and_nothing_is_written(demo):
    evaluation = _evaluation(demo)
    with pytest.raises(ValidationError) as exc:
        services.evaluation_action_add(
            user=demo["users"]["mt-admin"],
            evaluation=evaluation,
            description="Utbildning",
            owner_party=demo["orgs"]["MT"],
            owner_name="",
            due_on=None,
        )
    assert exc.value.message_dict == {
        "owner_name": ["En åtgärd behöver en ansvarig: parten och personen som ansvarar."],
        "due_on": ["En åtgärd behöver ett datum då den ska vara klar."],
    }
    assert not EvaluationAction.objects.exists()


def test_an_action_is_tracked_to_done(demo):
    evaluation = _evaluation(demo)
    action = services.evaluation_action_add(
        user=demo["users"]["berg"],
        evaluation=evaluation,
        description="Meddela stängda enheter",
        owner_party=demo["orgs"]["BERG"],
        owner_name="MAS Berg",
        due_on=dt.date(2026, 12, 31),
    )
    services.evaluation_action_done(
        user=demo["users"]["mt-admin"], action=action, done_on=dt.date(2026, 11, 2)
    )
    action.refresh_from_db()
    assert action.done_on == dt.date(2026, 11, 2)


def test_the_report_records_its_recipients_and_date(demo):
    admin = demo["users"]["mt-admin"]
    evaluation = _evaluation(demo)
    services.evaluation_update(user=admin, evaluation=evaluation, conclusions="Fortsätt som i dag.")
    services.evaluation_report(
        user=admin, evaluation=evaluation, arenas=["local", "county"], reported_on=dt.date(2027, 2, 10)
    )
    evaluation.refresh_from_db()
    assert (evaluation.reported_on, evaluation.reported_to) == (dt.date(2027, 2, 10), ["local", "county"])


def test_a_customer_writes_its_own_assessment_but_not_mts(demo):
    evaluation = _evaluation(demo)
    with pytest.raises(ValidationError) as exc:
        services.evaluation_update(user=demo["users"]["berg"], evaluation=evaluation, mt_assessment="Bra")
    assert exc.value.message_dict["mt_assessment"] == ["MT skriver sin egen bedömning."]
    services.evaluation_update(
        user=demo["users"]["berg"], evaluation=evaluation, customer_assessment="Bra stöd"
    )
    evaluation.refresh_from_db()
    assert evaluation.customer_assessment == "Bra stöd"


def test_an_evaluation_of_an_agreement_the_user_is_no_party_to_is_404(demo):
    evaluation = _evaluation(demo)
    client = Client()
    client.force_login(demo["users"]["mth"])
    assert client.get(f"/api/v1/agreements/evaluations/{evaluation.pk}").status_code == 404
    assert client.get(f"/reports/evaluations/{evaluation.pk}/pdf/").status_code == 404
    response = client.post(
        f"/api/v1/agreements/evaluations/{evaluation.pk}/actions",
        json.dumps({"description": "x", "owner_party_id": 1, "owner_name": "x", "due_on": "2026-06-01"}),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not EvaluationAction.objects.exists()


def test_the_api_refuses_an_unknown_field_in_an_action(demo):
    evaluation = _evaluation(demo)
    client = Client()
    client.force_login(demo["users"]["mt-admin"])
    response = client.post(
        f"/api/v1/agreements/evaluations/{evaluation.pk}/actions",
        json.dumps(
            {
                "description": "x",
                "owner_party_id": demo["orgs"]["MT"].pk,
                "owner_name": "x",
                "due_on": "2026-06-01",
                "budget": 10,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not EvaluationAction.objects.exists()
