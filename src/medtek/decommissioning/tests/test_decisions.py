"""One service per disposition, each behind the one check every decision shares (the deciding
department, one decision per item)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from medtek.decommissioning import services
from medtek.inventory.models import Device

pytestmark = pytest.mark.django_db


def _item(demo, model_name, reason="no_longer_needed"):
    device = Device.objects.filter(owner=demo["orgs"]["RH"], model__name=model_name).order_by("pk")[0]
    case = services.surplus_case_register(
        user=demo["users"]["halland-unit"], reason=reason, devices=[device.pk]
    )
    return case.items.get()


def test_reusing_puts_the_device_back_in_use(demo):
    item = services.surplus_item_reuse(user=demo["users"]["mth"], item=_item(demo, "Infusomat Space"))
    assert (item.disposition, item.state) == ("reuse", "reused")
    assert Device.objects.get(pk=item.device_id).status == "in_use"


def test_donating_to_an_aid_organisation_finds_the_regions_agreement(demo):
    item = services.surplus_item_donate(
        user=demo["users"]["mth"], item=_item(demo, "Enterprise 9000"), recipient=demo["orgs"]["HUMAN-BRIDGE"]
    )
    assert (item.disposition, item.state, item.aid_agreement.reference) == ("donate", "decided", "RS130364")


def test_selling_to_a_reseller_above_cost_records_the_buyer(demo):
    item = services.surplus_item_sell(
        user=demo["users"]["mth"],
        item=_item(demo, "Infusomat Space"),
        recipient=demo["orgs"]["SUPPLIER-MEDIQ"],
        estimated_value=Decimal("9000"),
        selling_costs=Decimal("500"),
        buyer_is_end_customer=False,
        distributor_responsibility=False,
        not_donated_reason="Sold to a reseller for more than it costs",
    )
    assert (item.disposition, item.recipient, item.selling_costs) == (
        "sell",
        demo["orgs"]["SUPPLIER-MEDIQ"],
        Decimal("500"),
    )


def test_trading_in_a_replaced_device_names_the_contract_and_the_mt_contact(demo):
    mth = demo["users"]["mth"]
    item = services.surplus_item_trade_in(
        user=mth,
        item=_item(demo, "LOGIQ E10", reason="replaced_on_reinvestment"),
        recipient=demo["orgs"]["SUPPLIER-IMAGING"],
        contract_reference="AVT-1",
    )
    assert (item.disposition, item.contract_reference, item.mt_contact) == ("trade_in", "AVT-1", mth)


def test_destroying_records_the_waste_category(demo):
    item = services.surplus_item_destroy(
        user=demo["users"]["mth"],
        item=_item(demo, "LOGIQ E10"),
        waste_category="electronic",
        not_donated_reason="Saknar reservdelar",
    )
    assert (item.disposition, item.waste_category) == ("destroy", "electronic")


def test_every_disposition_refuses_an_item_already_decided(demo):
    mth = demo["users"]["mth"]
    item = services.surplus_item_reuse(user=mth, item=_item(demo, "Infusomat Space"))
    for decide in services.SURPLUS_DECISIONS.values():
        with pytest.raises(ValidationError) as exc:
            decide(user=mth, item=item)
        assert list(exc.value.message_dict) == ["disposition"]


def test_a_decision_given_as_data_names_an_unknown_disposition(demo):
    with pytest.raises(ValidationError) as exc:
        services.surplus_item_decide(
            user=demo["users"]["mth"], item=_item(demo, "Infusomat Space"), disposition="give_away"
        )
    assert exc.value.message_dict == {"disposition": ["Choose reuse, donate, sell, trade in or destroy."]}
