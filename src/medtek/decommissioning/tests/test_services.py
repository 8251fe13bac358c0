"""Each rule and each bad input of the issue: a clear error naming the rule, and nothing written."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from medtek.core.models import Event
from medtek.decommissioning import rules, services
from medtek.decommissioning.models import SurplusCase, SurplusItem
from medtek.inventory.models import Device


@pytest.fixture
def hall(demo):
    rh = demo["orgs"]["RH"]

    def device(model_name, n=0):
        return Device.objects.filter(owner=rh, model__name=model_name).order_by("asset_number")[n]

    demo["device"] = device
    return demo


def _case(hall, *devices, reason="no_longer_needed", lots=()):
    return services.surplus_case_register(
        user=hall["users"]["halland-unit"], reason=reason, devices=[d.pk for d in devices], lots=list(lots)
    )


def _catheters(hall, months):
    return services.LotSpec(
        model=hall["models"]["Foley catheter 14 Ch (sterile)"].pk,
        quantity=50,
        lot_number="L1",
        expiry_date=rules.add_months(timezone.localdate(), months),
    )


def test_registering_another_tenants_device_is_refused_like_a_missing_one_and_writes_nothing(hall):
    foreign = Device.objects.filter(owner=hall["orgs"]["BERG"]).first()
    before = (Event.objects.count(), SurplusCase.objects.count())
    with pytest.raises(ValidationError) as exc:
        services.surplus_case_register(
            user=hall["users"]["halland-unit"], reason="other", devices=[foreign.pk]
        )
    assert exc.value.message_dict["devices"] == [
        "Unknown device, or not one of your organisation's devices (a unit registers only its own devices as "
        f"surplus): {foreign.pk}."
    ]
    assert (Event.objects.count(), SurplusCase.objects.count()) == before
    assert Device.objects.get(pk=foreign.pk).status == "in_use"


def test_a_device_cannot_be_registered_as_surplus_twice(hall):
    bed = hall["device"]("Enterprise 9000")
    case = _case(hall, bed)
    with pytest.raises(ValidationError) as exc:
        _case(hall, bed)
    assert exc.value.message_dict["devices"] == [
        f"{bed.asset_number} is already registered as surplus (case {case.pk})."
    ]


def test_a_case_of_assistive_devices_only_goes_to_hmc(hall):
    case = _case(hall, hall["device"]("Enterprise 9000"))
    assert case.department == hall["orgs"]["HMC"]


def test_hmc_may_not_decide_a_case_that_went_to_mth(hall):
    case = _case(hall, hall["device"]("LOGIQ E10"))
    item = case.items.get()
    with pytest.raises(PermissionDenied):
        services.surplus_item_decide(
            user=hall["users"]["hmc"], item=item, disposition="destroy", waste_category="electronic"
        )


def test_donating_a_lot_expiring_in_two_months_is_refused_and_changes_nothing(hall):
    case = _case(hall, lots=[_catheters(hall, 2)])
    item = case.items.get()
    before = Event.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.surplus_item_decide(
            user=hall["users"]["mth"], item=item, disposition="donate", recipient=hall["orgs"]["HUMAN-BRIDGE"]
        )
    assert exc.value.message_dict["disposition"][0].startswith(
        "Sterile products with less than 3 months left to expiry on the shipment date cannot be donated"
    )
    item.refresh_from_db()
    assert (item.disposition, item.state, Event.objects.count()) == ("", "registered", before)


def test_a_lot_with_four_months_left_may_be_donated_but_not_under_the_older_six_month_setting(hall):
    case = _case(hall, lots=[_catheters(hall, 4), _catheters(hall, 4)])
    first, second = case.items.order_by("pk")
    services.surplus_item_decide(
        user=hall["users"]["mth"], item=first, disposition="donate", recipient=hall["orgs"]["HUMAN-BRIDGE"]
    )
    with (
        override_settings(MEDTEK={**settings.MEDTEK, "STERILE_AID_MIN_MONTHS": 6}),
        pytest.raises(ValidationError) as exc,
    ):
        services.surplus_item_decide(
            user=hall["users"]["mth"],
            item=second,
            disposition="donate",
            recipient=hall["orgs"]["HUMAN-BRIDGE"],
        )
    assert "less than 6 months" in exc.value.message_dict["disposition"][0]


def test_an_expired_lot_cannot_be_donated(hall):
    case = _case(hall, lots=[_catheters(hall, -1)])
    with pytest.raises(ValidationError) as exc:
        services.surplus_item_decide(
            user=hall["users"]["mth"],
            item=case.items.get(),
            disposition="donate",
            recipient=hall["orgs"]["HUMAN-BRIDGE"],
        )
    assert exc.value.message_dict["disposition"][0].startswith(
        "Expired sterile products cannot be donated to aid"
    )


def test_donation_to_an_aid_organisation_without_agreement_is_refused(hall):
    from medtek.decommissioning.tests.factories import AidOrganisationFactory

    other = AidOrganisationFactory(name="Other Aid")
    case = _case(hall, hall["device"]("Enterprise 9000"))
    with pytest.raises(ValidationError) as exc:
        services.surplus_item_decide(
            user=hall["users"]["mth"], item=case.items.get(), disposition="donate", recipient=other
        )
    assert exc.value.message_dict["recipient"] == [
        "Donation only to an aid organisation the region has an agreement with (Region Halland's routine for "
        f"surplus medical devices): Other Aid has no active agreement on {timezone.localdate().isoformat()}."
    ]


def test_selling_below_cost_is_refused(hall):
    case = _case(hall, hall["device"]("Infusomat Space"))
    with pytest.raises(ValidationError) as exc:
        services.surplus_item_decide(
            user=hall["users"]["mth"],
            item=case.items.get(),
            disposition="sell",
            recipient=hall["orgs"]["SUPPLIER-MEDIQ"],
            estimated_value=Decimal("800.00"),
            selling_costs=Decimal("1500.00"),
            buyer_is_end_customer=False,
            distributor_responsibility=False,
        )
    assert exc.value.message_dict["estimated_value"] == [
        "Sale only where the value exceeds the costs (Region Halland's routine for surplus medical devices): "
        "estimated value 800,00 kr does not exceed the costs of selling 1\u00a0500,00 kr."
    ]
    assert SurplusItem.objects.get(pk=case.items.get().pk).estimated_value is None


def test_selling_to_an_end_customer_is_refused(hall):
    case = _case(hall, hall["device"]("Infusomat Space"))
    with pytest.raises(ValidationError) as exc:
        services.surplus_item_decide(
            user=hall["users"]["mth"],
            item=case.items.get(),
            disposition="sell",
            recipient=hall["orgs"]["BERG"],
            estimated_value=Decimal("9000"),
            selling_costs=Decimal("500"),
            distributor_responsibility=False,
        )
    assert exc.value.message_dict["recipient"] == [
        "No sale to an end customer (Region Halland's routine for surplus medical devices): Bergs kommun is "
        "a region, municipality or care provider, which buys to use the device."
    ]


def test_selling_to_a_municipality_stated_not_to_be_an_end_customer_is_refused_and_nothing_is_written(hall):
    case = _case(hall, hall["device"]("Infusomat Space"))
    item = case.items.get()
    before = Event.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.surplus_item_decide(
            user=hall["users"]["mth"],
            item=item,
            disposition="sell",
            recipient=hall["orgs"]["BERG"],
            estimated_value=Decimal("9000"),
            selling_costs=Decimal("500"),
            buyer_is_end_customer=False,
            distributor_responsibility=False,
        )
    assert exc.value.message_dict["recipient"] == [
        "No sale to an end customer (Region Halland's routine for surplus medical devices): Bergs kommun is "
        "a region, municipality or care provider, which buys to use the device."
    ]
    assert (SurplusItem.objects.get(pk=item.pk).disposition, Event.objects.count()) == ("", before)


def test_a_sale_without_a_buyer_is_refused(hall):
    case = _case(hall, hall["device"]("Infusomat Space"))
    with pytest.raises(ValidationError) as exc:
        services.surplus_item_decide(
            user=hall["users"]["mth"],
            item=case.items.get(),
            disposition="sell",
            estimated_value=Decimal("9000"),
            selling_costs=Decimal("500"),
            buyer_is_end_customer=False,
            distributor_responsibility=False,
        )
    assert exc.value.message_dict["recipient"] == [
        "Name the buyer: no sale to an end customer (Region Halland's routine for surplus medical devices), "
        "so who buys must be known."
    ]


def test_a_sale_above_cost_to_a_reseller_is_allowed(hall):
    case = _case(hall, hall["device"]("Infusomat Space"))
    item = services.surplus_item_decide(
        user=hall["users"]["mth"],
        item=case.items.get(),
        disposition="sell",
        recipient=hall["orgs"]["SUPPLIER-MEDIQ"],
        estimated_value=Decimal("9000"),
        selling_costs=Decimal("500"),
        buyer_is_end_customer=False,
        distributor_responsibility=False,
        not_donated_reason="Sold to a reseller for more than it costs",
    )
    assert item.state == "decided"


def test_trading_in_without_contract_reference_is_refused(hall):
    case = _case(hall, hall["device"]("LOGIQ E10"), reason="replaced_on_reinvestment")
    with pytest.raises(ValidationError) as exc:
        services.surplus_item_decide(
            user=hall["users"]["mth"],
            item=case.items.get(),
            disposition="trade_in",
            recipient=hall["orgs"]["SUPPLIER-IMAGING"],
        )
    assert exc.value.message_dict == {
        "contract_reference": [
            "A trade-in needs the contract reference: it is regulated in a contract between the region and "
            "the buyer (Region Halland's routine for surplus medical devices)."
        ]
    }


def test_trade_in_of_an_item_not_replaced_on_reinvestment_is_refused(hall):
    case = _case(hall, hall["device"]("LOGIQ E10"), reason="no_longer_needed")
    with pytest.raises(ValidationError) as exc:
        services.surplus_item_decide(
            user=hall["users"]["mth"],
            item=case.items.get(),
            disposition="trade_in",
            recipient=hall["orgs"]["SUPPLIER-IMAGING"],
            contract_reference="AVT-1",
        )
    assert list(exc.value.message_dict) == ["disposition"]


def test_deciding_twice_on_the_same_item_is_refused(hall):
    case = _case(hall, hall["device"]("Enterprise 9000"))
    item = case.items.get()
    services.surplus_item_decide(
        user=hall["users"]["mth"],
        item=item,
        disposition="destroy",
        waste_category="metal",
        not_donated_reason="x",
    )
    before = Event.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.surplus_item_decide(
            user=hall["users"]["mth"], item=item, disposition="donate", recipient=hall["orgs"]["HUMAN-BRIDGE"]
        )
    assert exc.value.message_dict["disposition"] == [
        f"{item.label} is already decided (Destroy, {timezone.localdate().isoformat()}); "
        "a decision is made once per item."
    ]
    assert Event.objects.count() == before


def test_destroying_needs_a_waste_category(hall):
    case = _case(hall, hall["device"]("Enterprise 9000"))
    with pytest.raises(ValidationError) as exc:
        services.surplus_item_decide(user=hall["users"]["mth"], item=case.items.get(), disposition="destroy")
    assert exc.value.message_dict["waste_category"] == [
        "Destruction needs the waste category (the region's waste handling, avfallshantering)."
    ]


def test_handing_over_with_patient_data_not_wiped_is_refused_and_the_device_stays(hall):
    ultrasound = hall["device"]("LOGIQ E10")
    case = _case(hall, ultrasound)
    item = case.items.get()
    mth = hall["users"]["mth"]
    services.surplus_item_decide(
        user=mth, item=item, disposition="destroy", waste_category="electronic", not_donated_reason="x"
    )
    for step in ("inventory_listing", "deregistration", "responsibility_clarified"):
        services.surplus_item_record_step(user=mth, item=item, step=step)
    with pytest.raises(ValidationError) as exc:
        services.surplus_item_hand_over(user=mth, item=item)
    assert exc.value.message_dict["checklist"] == [
        f"{ultrasound.asset_number} cannot leave with open decommissioning steps: Patient data wiped."
    ]
    assert Device.objects.get(pk=ultrasound.pk).status == "surplus"


def test_wiping_patient_data_needs_the_method(hall):
    case = _case(hall, hall["device"]("LOGIQ E10"))
    with pytest.raises(ValidationError) as exc:
        services.surplus_item_record_step(
            user=hall["users"]["mth"], item=case.items.get(), step="patient_data_wiped"
        )
    assert exc.value.message_dict["method"] == [
        "Record how the patient data was wiped (method), as GDPR requires documentation."
    ]


def test_an_x_ray_unit_cannot_leave_without_the_radiation_protection_step(hall):
    xray = hall["device"]("Mobilett Elara Max")
    case = _case(hall, xray)
    item = case.items.get()
    mth = hall["users"]["mth"]
    services.surplus_item_decide(
        user=mth, item=item, disposition="destroy", waste_category="radioactive", not_donated_reason="x"
    )
    for step in ("inventory_listing", "deregistration", "responsibility_clarified"):
        services.surplus_item_record_step(user=mth, item=item, step=step)
    services.surplus_item_record_step(
        user=hall["users"]["mth-tech"],
        item=item,
        step="patient_data_wiped",
        method="Disk destroyed",
        evidence={"wipe_method": "medium_removed"},
        verified_by=mth,
    )
    with pytest.raises(ValidationError) as exc:
        services.surplus_item_hand_over(user=mth, item=item)
    assert exc.value.message_dict["checklist"] == [
        f"{xray.asset_number} cannot leave with open decommissioning steps: Radiation protection."
    ]


def test_reuse_puts_the_device_back_in_use_in_the_register(hall):
    pump = hall["device"]("Infusomat Space")
    case = _case(hall, pump)
    services.surplus_item_decide(user=hall["users"]["mth"], item=case.items.get(), disposition="reuse")
    assert Device.objects.get(pk=pump.pk).status == "in_use"
    case.refresh_from_db()
    assert case.status == "closed"


def test_a_shipment_refuses_items_not_decided_as_donations(hall):
    case = _case(hall, hall["device"]("Enterprise 9000"))
    item = case.items.get()
    services.surplus_item_decide(
        user=hall["users"]["mth"],
        item=item,
        disposition="destroy",
        waste_category="metal",
        not_donated_reason="x",
    )
    agreement = hall["aid_agreements"]["RS130364"]
    with pytest.raises(ValidationError) as exc:
        services.donation_shipment_create(
            user=hall["users"]["mth"], aid_agreement=agreement, shipment_date=dt.date.today(), items=[item.pk]
        )
    assert exc.value.message_dict["items"] == [f"{item.label} is not decided as a donation to Human Bridge."]
