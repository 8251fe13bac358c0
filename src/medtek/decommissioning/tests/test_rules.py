"""The routine's rules without a database, with the routine's own numbers."""

import datetime as dt
from decimal import Decimal

import pytest

from medtek.decommissioning import rules
from medtek.decommissioning.choices import ChecklistStep as Step
from medtek.decommissioning.choices import Disposition, ItemKind, SurplusReason

SHIP = dt.date(2026, 11, 24)


def test_calendar_months_are_added_with_month_ends_clamped():
    assert rules.add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert rules.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert rules.add_months(dt.date(2027, 11, 30), 3) == dt.date(2028, 2, 29)
    assert rules.add_months(dt.date(2026, 10, 15), 6) == dt.date(2027, 4, 15)


def test_a_sterile_lot_expiring_in_two_months_is_refused_under_the_2026_routine():
    refusal = rules.sterile_aid_refusal(
        is_sterile=True, expiry_date=dt.date(2027, 1, 24), shipment_date=SHIP, min_months=3
    )
    assert refusal is not None
    assert refusal.message == (
        "Sterile products with less than 3 months left to expiry on the shipment date cannot be donated "
        "to aid (Region Halland's routine for surplus medical devices): expires 2027-01-24, shipment date "
        "2026-11-24, would need to last until 2027-02-24."
    )


def test_exactly_three_months_left_is_enough():
    assert (
        rules.sterile_aid_refusal(
            is_sterile=True, expiry_date=dt.date(2027, 2, 24), shipment_date=SHIP, min_months=3
        )
        is None
    )


def test_one_day_short_of_three_months_is_refused():
    assert (
        rules.sterile_aid_refusal(
            is_sterile=True, expiry_date=dt.date(2027, 2, 23), shipment_date=SHIP, min_months=3
        )
        is not None
    )


def test_four_months_left_is_refused_under_the_older_six_month_setting():
    kwargs = {"is_sterile": True, "expiry_date": dt.date(2027, 3, 24), "shipment_date": SHIP}
    assert rules.sterile_aid_refusal(min_months=3, **kwargs) is None
    assert rules.sterile_aid_refusal(min_months=6, **kwargs) is not None


def test_an_expired_sterile_lot_is_refused_as_expired():
    refusal = rules.sterile_aid_refusal(
        is_sterile=True, expiry_date=dt.date(2026, 10, 1), shipment_date=SHIP, min_months=3
    )
    assert refusal is not None
    assert refusal.message.startswith("Expired sterile products cannot be donated to aid")


def test_non_sterile_goods_have_no_shelf_life_rule():
    assert (
        rules.sterile_aid_refusal(
            is_sterile=False, expiry_date=dt.date(2026, 12, 1), shipment_date=SHIP, min_months=3
        )
        is None
    )


def test_donation_needs_an_active_agreement():
    refusals = rules.donation_refusals(
        recipient_name="Other Aid",
        has_active_agreement=False,
        on_date=SHIP,
        is_sterile=False,
        expiry_date=None,
        min_months=3,
    )
    assert [r.message for r in refusals] == [
        "Donation only to an aid organisation the region has an agreement with (Region Halland's routine "
        "for surplus medical devices): Other Aid has no active agreement on 2026-11-24."
    ]


def test_sale_where_value_exceeds_costs_to_a_reseller_is_allowed():
    assert (
        rules.sale_refusals(
            buyer_name="MediQ Reseller AB",
            buyer_kind="supplier",
            estimated_value=Decimal("5000.00"),
            selling_costs=Decimal("1200.00"),
            buyer_is_end_customer=False,
            distributor_responsibility=False,
        )
        == []
    )


def test_sale_at_or_below_cost_is_refused():
    refusals = rules.sale_refusals(
        buyer_name="MediQ Reseller AB",
        buyer_kind="supplier",
        estimated_value=Decimal("1200.00"),
        selling_costs=Decimal("1200.00"),
        buyer_is_end_customer=False,
        distributor_responsibility=False,
    )
    assert [r.message for r in refusals] == [
        "Sale only where the value exceeds the costs (Region Halland's routine for surplus medical devices): "
        "estimated value 1\u00a0200,00 kr does not exceed the costs of selling 1\u00a0200,00 kr."
    ]


def test_sale_to_an_end_customer_is_refused():
    refusals = rules.sale_refusals(
        buyer_name="MediQ Reseller AB",
        buyer_kind="supplier",
        estimated_value=Decimal("5000"),
        selling_costs=Decimal("100"),
        buyer_is_end_customer=True,
        distributor_responsibility=False,
    )
    assert [(r.field, r.message) for r in refusals] == [
        (
            "buyer_is_end_customer",
            "No sale to an end customer (Region Halland's routine for surplus medical devices).",
        )
    ]


def test_sale_without_a_named_buyer_is_refused():
    refusals = rules.sale_refusals(
        buyer_name=None,
        buyer_kind=None,
        estimated_value=Decimal("5000"),
        selling_costs=Decimal("100"),
        buyer_is_end_customer=False,
        distributor_responsibility=False,
    )
    assert [(r.field, r.message) for r in refusals] == [
        (
            "recipient",
            "Name the buyer: no sale to an end customer (Region Halland's routine for surplus medical "
            "devices), so who buys must be known.",
        )
    ]


@pytest.mark.parametrize("kind", ["region", "municipality", "private_care_provider"])
def test_sale_to_a_region_municipality_or_care_provider_is_refused_whatever_the_flag_says(kind):
    refusals = rules.sale_refusals(
        buyer_name="Bergs kommun",
        buyer_kind=kind,
        estimated_value=Decimal("5000"),
        selling_costs=Decimal("100"),
        buyer_is_end_customer=False,
        distributor_responsibility=False,
    )
    assert [(r.field, r.message) for r in refusals] == [
        (
            "recipient",
            "No sale to an end customer (Region Halland's routine for surplus medical devices): Bergs kommun "
            "is a region, municipality or care provider, which buys to use the device.",
        )
    ]


def test_sale_with_distributor_responsibility_is_refused():
    refusals = rules.sale_refusals(
        buyer_name="MediQ Reseller AB",
        buyer_kind="supplier",
        estimated_value=Decimal("5000"),
        selling_costs=Decimal("100"),
        buyer_is_end_customer=False,
        distributor_responsibility=True,
    )
    assert [r.field for r in refusals] == ["distributor_responsibility"]


def test_sale_without_recorded_costs_is_refused():
    refusals = rules.sale_refusals(
        buyer_name="MediQ Reseller AB",
        buyer_kind="supplier",
        estimated_value=Decimal("5000"),
        selling_costs=None,
        buyer_is_end_customer=False,
        distributor_responsibility=False,
    )
    assert [r.field for r in refusals] == ["selling_costs"]


def test_trade_in_without_contract_reference_is_refused():
    refusals = rules.trade_in_refusals(
        recipient_name="Scandinavian Imaging AB",
        recipient_is_supplier=True,
        on_reinvestment=True,
        contract_reference="  ",
        mt_involved=True,
    )
    assert [(r.field, r.message) for r in refusals] == [
        (
            "contract_reference",
            "A trade-in needs the contract reference: it is regulated in a contract between the region and "
            "the buyer (Region Halland's routine for surplus medical devices).",
        )
    ]


def test_trade_in_to_a_supplier_on_reinvestment_with_contract_and_mt_is_allowed():
    assert (
        rules.trade_in_refusals(
            recipient_name="Scandinavian Imaging AB",
            recipient_is_supplier=True,
            on_reinvestment=True,
            contract_reference="AVT-2026-0412",
            mt_involved=True,
        )
        == []
    )


def test_trade_in_refuses_a_non_supplier_no_reinvestment_and_no_mt():
    refusals = rules.trade_in_refusals(
        recipient_name="Human Bridge",
        recipient_is_supplier=False,
        on_reinvestment=False,
        contract_reference="X",
        mt_involved=False,
    )
    assert [r.field for r in refusals] == ["recipient", "disposition", "mt_contact"]


def test_trade_in_is_on_reinvestment_only_for_items_replaced_on_reinvestment():
    assert rules.on_reinvestment(SurplusReason.REPLACED_ON_REINVESTMENT)
    assert not rules.on_reinvestment(SurplusReason.NO_LONGER_NEEDED)


def test_destruction_needs_a_waste_category():
    assert [r.field for r in rules.destroy_refusals(waste_category="")] == ["waste_category"]
    assert rules.destroy_refusals(waste_category="electronic") == []


def test_an_ultrasound_storing_patient_data_needs_the_wipe_step():
    steps = rules.required_steps(
        kind=ItemKind.DEVICE,
        disposition=Disposition.TRADE_IN,
        stores_patient_data=True,
        has_radiation_source=False,
    )
    assert steps == [
        Step.INVENTORY_LISTING,
        Step.DEREGISTRATION,
        Step.PATIENT_DATA_WIPED,
        Step.RESPONSIBILITY_CLARIFIED,
    ]


def test_an_x_ray_unit_needs_the_radiation_protection_step():
    steps = rules.required_steps(
        kind=ItemKind.DEVICE,
        disposition=Disposition.DESTROY,
        stores_patient_data=True,
        has_radiation_source=True,
    )
    assert Step.RADIATION_PROTECTION in steps


def test_a_bed_needs_listing_deregistration_and_responsibility():
    assert rules.required_steps(
        kind=ItemKind.DEVICE,
        disposition=Disposition.DONATE,
        stores_patient_data=False,
        has_radiation_source=False,
    ) == [Step.INVENTORY_LISTING, Step.DEREGISTRATION, Step.RESPONSIBILITY_CLARIFIED]


def test_a_lot_needs_only_the_inventory_listing_and_reuse_needs_nothing():
    assert rules.required_steps(
        kind=ItemKind.LOT,
        disposition=Disposition.DESTROY,
        stores_patient_data=False,
        has_radiation_source=False,
    ) == [Step.INVENTORY_LISTING]
    assert (
        rules.required_steps(
            kind=ItemKind.DEVICE,
            disposition=Disposition.REUSE,
            stores_patient_data=True,
            has_radiation_source=True,
        )
        == []
    )


def test_hand_over_with_an_open_step_is_refused_naming_it():
    refusal = rules.hand_over_refusal(label="MTH500001", open_step_labels=["Patient data wiped"])
    assert refusal is not None
    assert refusal.message == "MTH500001 cannot leave with open decommissioning steps: Patient data wiped."


def test_a_case_goes_to_hmc_only_when_every_item_is_an_assistive_device():
    assert rules.goes_to_assistive_centre(assistive_flags=[True, True])
    assert not rules.goes_to_assistive_centre(assistive_flags=[True, False])
    assert not rules.goes_to_assistive_centre(assistive_flags=[])


def test_the_refusal_reads_in_swedish_with_the_routines_words():
    from django.utils import translation

    with translation.override("sv"):
        refusal = rules.sterile_aid_refusal(
            is_sterile=True, expiry_date=dt.date(2027, 1, 24), shipment_date=SHIP, min_months=3
        )
    assert refusal is not None
    assert refusal.message.startswith(
        "Sterila produkter med kortare tid än 3 månader till utgångsdatum kan inte förmedlas till bistånd"
    )
