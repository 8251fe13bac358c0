"""A refused donation shipment or checklist step comes back as sent (422): the refusal of the whole form
in the box at the top of that form, which the page's summary links to, and what was typed or ticked kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client

from medtek.decommissioning.models import DonationShipment, SurplusCase
from medtek.inventory.models import Device

BOX = '<ul class="errorlist nonfield" id="form-errors" tabindex="-1">'


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _registered_item(demo: dict[str, Any], model: str) -> Any:
    rh = demo["orgs"]["RH"]
    device = Device.objects.filter(owner=rh, model__name=model).order_by("asset_number").first()
    assert device is not None
    _client(demo["users"]["halland-unit"]).post(
        "/decommissioning/cases/new/",
        {"organisation": rh.pk, "reason": "no_longer_needed", "asset_1": device.asset_number},
    )
    return SurplusCase.objects.get().items.get()


def test_a_shipment_dated_outside_the_agreement_is_refused_at_the_top_with_the_items_still_ticked(
    demo: dict[str, Any],
) -> None:
    item = _registered_item(demo, "Enterprise 9000")
    mth = _client(demo["users"]["mth"])
    decided = mth.post(
        f"/decommissioning/items/{item.pk}/decision/",
        {"disposition": "donate", "recipient": demo["orgs"]["HUMAN-BRIDGE"].pk},
    )
    assert decided.status_code == 302
    agreement = demo["aid_agreements"]["RS130364"]
    response = mth.post(
        "/decommissioning/shipments/new/",
        {
            "aid_agreement": agreement.pk,
            "shipment_date": "2001-05-02",
            "items": [item.pk],
            "note": "Med pall och manualer",
        },
    )
    html = response.content.decode()
    form = html[html.index('id="shipment-form"') :]
    assert response.status_code == 422
    assert form.index(BOX) < form.index('name="shipment_date"')
    box = form[form.index(BOX) : form.index("</ul>")]
    assert "has no active agreement on 2001-05-02" in box
    assert '<a href="#form-errors">Donation only to an aid organisation' in html
    assert f'value="{item.pk}" checked>' in form
    assert 'value="2001-05-02"' in form
    assert "Med pall och manualer</textarea>" in form
    assert not DonationShipment.objects.exists()


def test_a_refused_checklist_step_shows_the_refusal_in_the_steps_form_with_the_values_kept(
    demo: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    item = _registered_item(demo, "Infusomat Space")

    def refuse(**_kwargs: Any) -> None:
        raise ValidationError("The item is being handed over; record the step afterwards.")

    monkeypatch.setattr("medtek.decommissioning.services.surplus_item_record_step", refuse)
    response = _client(demo["users"]["mth"]).post(
        f"/decommissioning/items/{item.pk}/steps/",
        {"step": "inventory_listing", "performed_by": "Eva på förrådet", "note": "Listad i april"},
    )
    html = response.content.decode()
    checklist = html[html.index('id="checklist"') : html.index('id="assessment"')]
    assert response.status_code == 422
    assert f"{BOX}<li>The item is being handed over; record the step afterwards.</li></ul>" in checklist
    assert checklist.index(BOX) < checklist.index('name="step"')
    assert '<a href="#form-errors">The item is being handed over' in html
    assert 'value="Eva på förrådet"' in checklist and 'value="Listad i april"' in checklist
    assert '<option value="inventory_listing" selected>' in checklist
