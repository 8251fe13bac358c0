"""The pages a new user walks: register surplus, decide, record steps, ship, report."""

from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone, translation

from medtek.decommissioning import rules
from medtek.decommissioning.models import SurplusCase
from medtek.decommissioning.panels import surplus_panel
from medtek.inventory.models import Device


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_unit_registers_surplus_and_mt_decides_and_ships_through_the_pages(demo):
    rh = demo["orgs"]["RH"]
    bed = Device.objects.filter(owner=rh, model__name="Enterprise 9000").order_by("asset_number").first()
    ultrasound = Device.objects.filter(owner=rh, model__name="LOGIQ E10").order_by("asset_number").first()
    catheter = demo["models"]["Foley catheter 14 Ch (sterile)"]
    unit = _client(demo["users"]["halland-unit"])
    assert unit.get("/decommissioning/cases/new/").status_code == 200
    response = unit.post(
        "/decommissioning/cases/new/",
        {
            "organisation": rh.pk,
            "reason": "no_longer_needed",
            "asset_1": ultrasound.asset_number,
            "asset_reason_1": "replaced_on_reinvestment",
            "asset_2": bed.asset_number,
            "lot_model_1": catheter.pk,
            "lot_quantity_1": 200,
            "lot_number_1": "FC2611",
            "lot_expiry_1": rules.add_months(timezone.localdate(), 2).isoformat(),
        },
    )
    case = SurplusCase.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/decommissioning/cases/{case.pk}/"
    assert unit.get(response["Location"]).status_code == 200

    mth = _client(demo["users"]["mth"])
    overview = mth.get("/decommissioning/")
    assert overview.status_code == 200 and bed.asset_number in overview.content.decode()
    lot = case.items.get(kind="lot")
    refused = mth.post(
        f"/decommissioning/items/{lot.pk}/decision/",
        {"disposition": "donate", "recipient": demo["orgs"]["HUMAN-BRIDGE"].pk},
    )
    assert refused.status_code == 422
    refusal = refused.content.decode()
    assert "Sterila produkter med kortare tid än" in refusal
    assert "Region Hallands rutin för övertaliga medicintekniska produkter" in refusal
    bed_item = case.items.get(device=bed)
    assert (
        mth.post(
            f"/decommissioning/items/{bed_item.pk}/decision/",
            {"disposition": "donate", "recipient": demo["orgs"]["HUMAN-BRIDGE"].pk},
        ).status_code
        == 302
    )
    for step in ("inventory_listing", "deregistration", "responsibility_clarified"):
        assert mth.post(f"/decommissioning/items/{bed_item.pk}/steps/", {"step": step}).status_code == 302
    agreement = demo["aid_agreements"]["RS130364"]
    assert mth.get("/decommissioning/shipments/new/").status_code == 200
    created = mth.post(
        "/decommissioning/shipments/new/",
        {
            "aid_agreement": agreement.pk,
            "shipment_date": timezone.localdate().isoformat(),
            "items": [bed_item.pk],
        },
    )
    assert created.status_code == 302
    shipment_url = created["Location"]
    assert mth.post(shipment_url + "hand-over/").status_code == 302
    assert Device.objects.get(pk=bed.pk).status == "donated"
    pdf = mth.get(shipment_url + "manifest.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = mth.get(shipment_url + "manifest.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    report = mth.get("/decommissioning/report/")
    assert report.status_code == 200 and "Human Bridge" in report.content.decode()
    assert mth.get("/decommissioning/report.pdf").content.startswith(b"%PDF")
    assert mth.get("/decommissioning/report.xlsx").content[:2] == b"PK"
    assert mth.get(f"/decommissioning/items/{bed_item.pk}/").status_code == 200
    request = RequestFactory().get("/")
    request.user = demo["users"]["mth"]
    panel = surplus_panel(request)
    with translation.override("sv"):
        html = render_to_string("decommissioning/_panel.html", {"panel": panel})
    assert "Övertaligt och avveckling" in html


def test_the_overview_is_bounded_in_queries(demo, django_assert_max_num_queries):
    client = _client(demo["users"]["mth"])
    client.get("/decommissioning/")
    with django_assert_max_num_queries(25):
        assert client.get("/decommissioning/").status_code == 200


def test_the_decision_page_refuses_a_sale_without_a_buyer_naming_the_routine(demo):
    rh = demo["orgs"]["RH"]
    pump = Device.objects.filter(owner=rh, model__name="Infusomat Space").order_by("asset_number").first()
    unit = _client(demo["users"]["halland-unit"])
    unit.post(
        "/decommissioning/cases/new/",
        {"organisation": rh.pk, "reason": "no_longer_needed", "asset_1": pump.asset_number},
    )
    item = SurplusCase.objects.get().items.get()
    refused = _client(demo["users"]["mth"]).post(
        f"/decommissioning/items/{item.pk}/decision/",
        {
            "disposition": "sell",
            "estimated_value": "9000",
            "selling_costs": "500",
            "buyer_is_end_customer": "no",
            "distributor_responsibility": "no",
        },
    )
    assert refused.status_code == 422
    assert (
        "Ange köparen: ingen försäljning till slutkund (Region Hallands rutin för övertaliga medicintekniska "
        "produkter), så det måste vara känt vem som köper." in refused.content.decode()
    )
