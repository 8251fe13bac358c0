"""The issue's "Done when", walked through the services on the demo data as a new user would."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from medtek.core.models import Event
from medtek.decommissioning import rules, selectors, services
from medtek.decommissioning.choices import ChecklistStep, Disposition, ItemKind, ItemState
from medtek.inventory.models import Device
from medtek.inventory.selectors import device_counts_now


def test_the_done_when_scenario_on_the_demo_data(demo):
    unit, mth = demo["users"]["halland-unit"], demo["users"]["mth"]
    rh, mth_org = demo["orgs"]["RH"], demo["orgs"]["MTH"]
    ultrasound = Device.objects.filter(owner=rh, model__name="LOGIQ E10").order_by("asset_number").first()
    bed = Device.objects.filter(owner=rh, model__name="Enterprise 9000").order_by("asset_number").first()
    catheter = demo["models"]["Foley catheter 14 Ch (sterile)"]
    today = timezone.localdate()
    counts_before = device_counts_now(user=mth)[rh.pk]

    # An MTH unit registers an ultrasound replaced on reinvestment, a bed and a lot of sterile catheters.
    case = services.surplus_case_register(
        user=unit,
        reason="no_longer_needed",
        devices=[ultrasound.pk, bed.pk],
        device_reasons={ultrasound.pk: "replaced_on_reinvestment"},
        lots=[
            services.LotSpec(
                model=catheter.pk, quantity=200, lot_number="FC2611", expiry_date=rules.add_months(today, 2)
            )
        ],
    )
    assert case.organisation == rh and case.department == mth_org
    items = {i.kind + (i.device.model.name if i.device else ""): i for i in case.items.all()}
    us_item, bed_item, lot_item = items["deviceLOGIQ E10"], items["deviceEnterprise 9000"], items["lot"]
    assert Device.objects.get(pk=bed.pk).status == "surplus"

    # MT decides donation for the bed (allowed).
    human_bridge = demo["orgs"]["HUMAN-BRIDGE"]
    services.surplus_item_decide(user=mth, item=bed_item, disposition="donate", recipient=human_bridge)
    bed_item.refresh_from_db()
    assert bed_item.aid_agreement.reference == "RS130364"

    # Donation for the catheters is refused (under three months to expiry), so MT destroys them.
    with pytest.raises(ValidationError) as refused:
        services.surplus_item_decide(user=mth, item=lot_item, disposition="donate", recipient=human_bridge)
    assert "less than 3 months left to expiry" in refused.value.message_dict["disposition"][0]
    lot_item.refresh_from_db()
    assert lot_item.disposition == ""
    services.surplus_item_decide(user=mth, item=lot_item, disposition="destroy", waste_category="combustible")

    # Trade-in for the ultrasound: refused without a contract reference, then allowed with one.
    imaging = demo["orgs"]["SUPPLIER-IMAGING"]
    with pytest.raises(ValidationError) as refused:
        services.surplus_item_decide(user=mth, item=us_item, disposition="trade_in", recipient=imaging)
    assert list(refused.value.message_dict) == ["contract_reference"]
    services.surplus_item_decide(
        user=mth, item=us_item, disposition="trade_in", recipient=imaging, contract_reference="AVT-2026-0412"
    )

    # The ultrasound cannot leave before its patient data is wiped.
    for step in (
        ChecklistStep.INVENTORY_LISTING,
        ChecklistStep.DEREGISTRATION,
        ChecklistStep.RESPONSIBILITY_CLARIFIED,
    ):
        services.surplus_item_record_step(user=mth, item=us_item, step=step)
    with pytest.raises(ValidationError) as refused:
        services.surplus_item_hand_over(user=mth, item=us_item)
    assert refused.value.message_dict["checklist"] == [
        f"{ultrasound.asset_number} cannot leave with open decommissioning steps: Patient data wiped."
    ]
    services.surplus_item_record_step(
        user=demo["users"]["mth-tech"],
        item=us_item,
        step="patient_data_wiped",
        method="Factory reset + DoD wipe",
        evidence={"wipe_method": "factory_reset"},
        verified_by=mth,
    )
    services.surplus_item_hand_over(user=mth, item=us_item)
    assert Device.objects.get(pk=ultrasound.pk).status == "traded_in"

    services.surplus_item_record_step(user=mth, item=lot_item, step="inventory_listing")
    services.surplus_item_hand_over(user=mth, item=lot_item)

    # The bed ships to Human Bridge with a manifest.
    for step in (
        ChecklistStep.INVENTORY_LISTING,
        ChecklistStep.DEREGISTRATION,
        ChecklistStep.RESPONSIBILITY_CLARIFIED,
    ):
        services.surplus_item_record_step(user=mth, item=bed_item, step=step)
    agreement = bed_item.aid_agreement
    shipment = services.donation_shipment_create(
        user=mth, aid_agreement=agreement, shipment_date=today, items=[bed_item.pk]
    )
    services.donation_shipment_hand_over(user=mth, shipment=shipment)
    assert Device.objects.get(pk=bed.pk).status == "donated"
    manifest = selectors.shipment_manifest_rows(shipment=shipment)
    assert [row["asset_number"] for row in manifest] == [bed.asset_number]

    # The donation report for the period lists it.
    report = selectors.donation_report(user=mth, date_from=today.replace(day=1), date_to=today)
    assert report["count"] == 1
    assert [r["name"] for r in report["recipients"]] == ["Human Bridge"]
    assert [k["category"] for k in report["kinds"]] == ["Vårdsäng"]

    # Each device's history shows every step; handed-over devices no longer count.
    for device, final in ((ultrasound, "traded_in"), (bed, "donated")):
        kinds = list(
            Event.objects.filter(device_id=device.pk)
            .order_by("occurred_at", "id")
            .values_list("kind", "status")
        )
        assert [k for k, _ in kinds if k.startswith("decommissioning.")][:1] == ["decommissioning.decided"]
        assert kinds[-1] == ("device.status_changed", final)
    us_kinds = set(Event.objects.filter(device_id=ultrasound.pk).values_list("kind", flat=True))
    assert {
        "decommissioning.patient_data_wiped",
        "decommissioning.inventory_listing",
        "decommissioning.deregistration",
        "decommissioning.responsibility_clarified",
    } <= us_kinds
    assert device_counts_now(user=mth)[rh.pk] == counts_before - 2
    case.refresh_from_db()
    assert case.status == "closed"
    assert {i.state for i in case.items.all()} == {ItemState.HANDED_OVER}
    lot_item.refresh_from_db()
    assert (lot_item.kind, lot_item.disposition, lot_item.state) == (
        ItemKind.LOT,
        Disposition.DESTROY,
        ItemState.HANDED_OVER,
    )
