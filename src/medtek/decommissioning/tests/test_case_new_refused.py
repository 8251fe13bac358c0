"""A refused surplus registration comes back as typed (422): an unknown asset number at its row, a
refusal of the whole case at the top of the form; no case is written."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.test import Client

from medtek.decommissioning.models import SurplusCase
from medtek.inventory.models import Device


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _sent(demo: dict[str, Any], **rows: str) -> dict[str, Any]:
    rh = demo["orgs"]["RH"]
    return {"organisation": rh.pk, "reason": "no_longer_needed", "note": "Flyttar till nya huset", **rows}


def test_an_unknown_asset_number_is_shown_at_its_row_with_the_rest_kept(demo: dict[str, Any]) -> None:
    rh = demo["orgs"]["RH"]
    pump = Device.objects.filter(owner=rh).order_by("asset_number").first()
    assert pump is not None
    response = _client(demo["users"]["halland-unit"]).post(
        "/decommissioning/cases/new/", _sent(demo, asset_1=pump.asset_number, asset_2="FINNS-INTE-1")
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'aria-invalid="true" aria-describedby="id_asset_2_error"' in html
    assert '<ul class="errorlist" id="id_asset_2_error"><li>Unknown device' in html
    assert "FINNS-INTE-1.</li>" in html
    assert '<a href="#id_asset_2">' in html
    assert f'value="{pump.asset_number}"' in html and 'value="FINNS-INTE-1"' in html
    assert "Flyttar till nya huset</textarea>" in html
    assert not SurplusCase.objects.exists()


def test_a_device_already_surplus_is_refused_at_its_row_with_the_rest_kept(demo: dict[str, Any]) -> None:
    rh = demo["orgs"]["RH"]
    pump, other = Device.objects.filter(owner=rh).order_by("asset_number")[:2]
    unit = _client(demo["users"]["halland-unit"])
    assert unit.post("/decommissioning/cases/new/", _sent(demo, asset_1=pump.asset_number)).status_code == 302
    response = unit.post(
        "/decommissioning/cases/new/", _sent(demo, asset_1=other.asset_number, asset_2=pump.asset_number)
    )
    html = response.content.decode()
    form = html[html.index('id="case-form"') :]
    assert response.status_code == 422
    error = f"{pump.asset_number} is already registered as surplus"
    assert f'<ul class="errorlist" id="id_asset_2_error"><li>{error}' in form
    assert 'id="form-errors"' not in form
    assert '<a href="#id_asset_2">' in html and error in html
    assert f'value="{other.asset_number}"' in form and f'value="{pump.asset_number}"' in form
    assert "Flyttar till nya huset</textarea>" in form
    assert SurplusCase.objects.count() == 1


def test_a_refusal_of_the_whole_case_stays_at_the_top_of_the_form(demo: dict[str, Any]) -> None:
    rh = demo["orgs"]["RH"]
    response = _client(demo["users"]["halland-unit"]).post(
        "/decommissioning/cases/new/",
        _sent(demo),  # neither a device nor a lot
    )
    html = response.content.decode()
    form = html[html.index('id="case-form"') :]
    assert response.status_code == 422
    assert form.index('<ul class="errorlist nonfield" id="form-errors" tabindex="-1">') < form.index(
        "id_asset_1"
    )
    assert "Register at least one device or lot as surplus." in form
    assert '<a href="#form-errors">' in html
    assert f'<option value="{rh.pk}" selected>' in form
    assert not SurplusCase.objects.exists()
