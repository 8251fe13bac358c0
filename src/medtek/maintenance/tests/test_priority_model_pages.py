"""MT admin edits the PM prioritisation model and the CM priority model on pages that call the services
the API's PUT calls; a refused model comes back as typed, with each error at its field or above the
table."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from medtek.maintenance.models import CMPriority, PMClass

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def pm_rows(*rows: tuple[str, str, str, str, str, str]) -> dict[str, str]:
    data = {"rows": str(len(rows))}
    for i, row in enumerate(rows):
        for name, value in zip(
            ("code", "name", "rank", "min_score", "max_score", "interval_months"), row, strict=True
        ):
            data[f"{i}-{name}"] = value
    return data


def cm_rows(*rows: tuple[str, str, str, str, str, str]) -> dict[str, str]:
    data = {"rows": str(len(rows))}
    for i, row in enumerate(rows):
        names = ("code", "name", "rank", "response_hours", "resolution_hours", "time_basis")
        for name, value in zip(names, row, strict=True):
            data[f"{i}-{name}"] = value
    return data


def test_mt_admin_saves_a_pm_model_of_two_classes(world: Any) -> None:
    data = pm_rows(
        ("A", "Hög", "1", "14", "20", "6"), ("B", "Låg", "2", "4", "13", "24"), ("", "", "", "", "", "")
    )
    response = client_for(world.admin).post("/maintenance/models/pm/", data)
    assert response.status_code == 302
    assert response["Location"] == "/maintenance/models/"
    assert [
        (c.code, c.min_score, c.max_score, c.interval_months) for c in PMClass.objects.order_by("rank")
    ] == [
        ("A", 14, 20, 6),
        ("B", 4, 13, 24),
    ]


def test_a_mistyped_interval_keeps_every_row_and_is_shown_at_its_field(world: Any) -> None:
    data = pm_rows(("A", "Hög", "1", "14", "20", "sex"), ("B", "Låg", "2", "4", "13", "24"))
    response = client_for(world.admin).post("/maintenance/models/pm/", data)
    html = response.content.decode()
    assert response.status_code == 422
    assert 'name="0-interval_months" value="sex"' in html
    assert 'name="1-max_score" value="13"' in html
    assert '<ul class="errorlist" id="id_0-interval_months_error"><li>Enter a whole number.</li></ul>' in html
    assert '<a href="#id_0-interval_months">Class 1: pm interval (months): Enter a whole number.</a>' in html
    assert not PMClass.objects.exists()


def test_a_band_gap_is_refused_at_the_top_of_the_form_with_the_rows_kept(world: Any) -> None:
    data = pm_rows(("A", "Hög", "1", "15", "20", "6"), ("B", "Låg", "2", "4", "13", "24"))
    response = client_for(world.admin).post("/maintenance/models/pm/", data)
    html = response.content.decode()
    assert response.status_code == 422
    form = html[html.index('id="model-form"') :]
    box = '<ul class="errorlist nonfield" id="model-errors" tabindex="-1"><li>No PM class covers EM'
    assert form.index(box) < form.index('<p class="muted">')
    assert '<a href="#model-errors">No PM class covers EM numbers 14-14.</a>' in html
    assert 'name="0-min_score" value="15"' in html
    assert not PMClass.objects.exists()


def test_a_class_the_service_refuses_is_shown_at_its_row_past_an_empty_row(world: Any) -> None:
    data = pm_rows(
        ("A", "Hög", "1", "14", "20", "6"), ("", "", "", "", "", ""), ("B", "Låg", "2", "13", "4", "24")
    )
    response = client_for(world.admin).post("/maintenance/models/pm/", data)
    html = response.content.decode()
    message = "PM class B: the lowest EM number is above the highest."
    assert response.status_code == 422
    assert 'aria-invalid="true" aria-describedby="id_2-min_score_error"' in html
    assert f'<ul class="errorlist" id="id_2-min_score_error"><li>{message}</li></ul>' in html
    assert f'<a href="#id_2-min_score">Class 3: lowest em number: {message}</a>' in html
    assert 'name="2-max_score" value="4"' in html
    assert not PMClass.objects.exists()


def test_a_repeated_rank_is_shown_at_the_second_levels_rank(world: Any) -> None:
    data = cm_rows(("P1", "Akut", "1", "2", "8", "working"), ("P2", "Normal", "1", "24", "120", "calendar"))
    response = client_for(world.admin).post("/maintenance/models/cm/", data)
    html = response.content.decode()
    assert response.status_code == 422
    assert '<ul class="errorlist" id="id_1-rank_error"><li>Two priority levels have the same rank.' in html
    assert not CMPriority.objects.exists()


def test_a_half_filled_row_is_asked_to_be_completed_at_its_fields(world: Any) -> None:
    data = cm_rows(("P1", "Akut", "1", "2", "8", "working"), ("P2", "", "", "24", "", ""))
    response = client_for(world.admin).post("/maintenance/models/cm/", data)
    html = response.content.decode()
    assert response.status_code == 422
    error = "Fill this in, or empty the whole row to remove it."
    assert f'<ul class="errorlist" id="id_1-rank_error"><li>{error}</li></ul>' in html
    assert 'name="1-response_hours" value="24"' in html
    assert not CMPriority.objects.exists()


def test_mt_admin_saves_a_cm_model(world: Any) -> None:
    data = cm_rows(("P1", "Akut", "1", "2", "8", "working"), ("P2", "Normal", "2", "24", "120", "calendar"))
    response = client_for(world.admin).post("/maintenance/models/cm/", data)
    assert response.status_code == 302
    p1 = CMPriority.objects.get(code="P1")
    assert (str(p1.response_hours), str(p1.resolution_hours), p1.time_basis) == ("2.00", "8.00", "working")


def test_the_cm_page_shows_the_levels_as_they_are_with_a_blank_row(world: Any) -> None:
    CMPriority.objects.create(code="P1", name="Akut", rank=1, response_hours=2, resolution_hours=8)
    html = client_for(world.admin).get("/maintenance/models/cm/").content.decode()
    assert 'name="0-code" value="P1"' in html
    assert 'name="0-resolution_hours" value="8"' in html
    assert 'name="1-code"' in html and 'name="2-code"' not in html


@pytest.mark.parametrize("role", ["tech", "auditor", "berg_contact"])
def test_only_mt_admin_may_edit_the_priority_models(world: Any, role: str) -> None:
    client = client_for(getattr(world, role))
    assert client.get("/maintenance/models/pm/").status_code == 403
    assert client.get("/maintenance/models/cm/").status_code == 403
