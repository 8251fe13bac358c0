"""Donation first (Halland H7): surplus that is not to be destroyed or sold is mainly donated to the aid
organisations the region has an agreement with. Selling or destroying an item the aid rules would allow
to donate needs the reason it is not donated; the donation report counts those items with their reasons."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from medtek.decommissioning import rules, selectors, services
from medtek.decommissioning.models import SurplusItem
from medtek.inventory.models import Device

pytestmark = pytest.mark.django_db

REFUSAL = (
    "This item may be donated (Region Halland's routine for surplus medical devices: Surplus that is not to "
    "be destroyed or sold is mainly donated to aid organisations the region has an agreement with): give "
    "the reason it is not donated."
)


def _item(demo):
    device = Device.objects.filter(owner=demo["orgs"]["RH"], model__name="Infusomat Space").order_by("pk")[0]
    case = services.surplus_case_register(
        user=demo["users"]["halland-unit"], reason="no_longer_needed", devices=[device.pk]
    )
    return case.items.get()


def test_the_rule_asks_for_a_reason_only_to_sell_or_destroy_a_donatable_item():
    assert (
        rules.not_donated_refusal(disposition="destroy", donatable=True, reason="").field
        == "not_donated_reason"
    )
    assert (
        rules.not_donated_refusal(disposition="sell", donatable=True, reason="Säljs till återförsäljare")
        is None
    )
    assert rules.not_donated_refusal(disposition="destroy", donatable=False, reason="") is None
    assert rules.not_donated_refusal(disposition="donate", donatable=True, reason="") is None


def test_destroying_a_donatable_item_without_a_reason_is_refused_naming_the_rule_and_nothing_is_written(demo):
    item = _item(demo)
    with pytest.raises(ValidationError) as exc:
        services.surplus_item_decide(
            user=demo["users"]["mth"], item=item, disposition="destroy", waste_category="electronic"
        )
    assert exc.value.message_dict["not_donated_reason"] == [REFUSAL]
    item.refresh_from_db()
    assert (item.disposition, item.not_donated_reason) == ("", "")


def test_destroying_a_donatable_item_with_a_reason_records_it(demo):
    item = services.surplus_item_decide(
        user=demo["users"]["mth"],
        item=_item(demo),
        disposition="destroy",
        waste_category="electronic",
        not_donated_reason="Saknar reservdelar; ingen mottagare kan underhålla den.",
    )
    assert item.not_donated_reason == "Saknar reservdelar; ingen mottagare kan underhålla den."


def test_selling_a_donatable_item_needs_the_reason_too(demo):
    with pytest.raises(ValidationError) as exc:
        services.surplus_item_decide(
            user=demo["users"]["mth"],
            item=_item(demo),
            disposition="sell",
            recipient=demo["orgs"]["SUPPLIER-MEDIQ"],
            estimated_value=Decimal("9000"),
            selling_costs=Decimal("500"),
            buyer_is_end_customer=False,
            distributor_responsibility=False,
        )
    assert exc.value.message_dict["not_donated_reason"] == [REFUSAL]


def test_the_donation_report_counts_the_items_that_could_have_been_donated_with_the_reasons(demo):
    services.surplus_item_decide(
        user=demo["users"]["mth"],
        item=_item(demo),
        disposition="destroy",
        waste_category="electronic",
        not_donated_reason="Trasig pump.",
    )
    today = timezone.localdate()
    report = selectors.donation_report(
        user=demo["users"]["mth"], date_from=today - dt.timedelta(days=1), date_to=today
    )
    assert report["not_donated_count"] == 1
    assert [r["reason"] for r in report["not_donated"]] == ["Trasig pump."]
    client = Client()
    client.force_login(demo["users"]["mth"])
    page = client.get("/decommissioning/report/").content.decode()
    assert "Trasig pump." in page


def test_the_api_refuses_a_decision_without_the_reason(demo):
    item = _item(demo)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(demo["users"]["mth"])
    response = client.post(
        f"/api/v1/decommissioning/items/{item.pk}/decision",
        {"disposition": "destroy", "waste_category": "electronic"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"]["not_donated_reason"] == [REFUSAL]
    assert SurplusItem.objects.get(pk=item.pk).disposition == ""
