"""Separate agreements for equipment MT cannot maintain (J15): a monitoring agreement names its external
supplier and covers devices of its own customers; the device's page leads to it; it is never billed."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from medtek.agreements import selectors, services
from medtek.agreements.models import Agreement, MonitoredDevice
from medtek.billing.models import Invoice
from medtek.inventory.models import Device

pytestmark = pytest.mark.django_db


def _monitoring(demo: dict[str, Any]) -> Agreement:
    orgs = demo["orgs"]
    return services.agreement_create(
        user=demo["users"]["mt-admin"],
        provider=orgs["MT"],
        seller=orgs["RJH"],
        reference="RJH-MT-BEV-OSD",
        title="Bevakning av röntgen- och dialysutrustning, Östersund",
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2027, 12, 31),
        customers=[(orgs["OSTERSUND"], "MAS Östersund")],
        rate_schedule=demo["rate_schedule"],
        kind="monitoring",
    )


def _devices(demo: dict[str, Any], code: str, n: int = 2) -> list[Device]:
    return list(Device.objects.filter(owner=demo["orgs"][code]).order_by("pk")[:n])


def test_a_monitoring_agreement_names_its_supplier_and_covers_two_devices(demo):
    agreement = _monitoring(demo)
    devices = _devices(demo, "OSTERSUND")
    services.monitoring_coverage_set(
        user=demo["users"]["mt-admin"],
        agreement=agreement,
        supplier=demo["orgs"]["SUPPLIER-IMAGING"],
        device_ids=[d.pk for d in devices],
    )
    agreement.refresh_from_db()
    assert agreement.external_supplier == demo["orgs"]["SUPPLIER-IMAGING"]
    assert selectors.monitored_device_ids(agreement=agreement) == sorted(d.pk for d in devices)


def test_a_device_of_another_customer_is_refused_and_nothing_is_written(demo):
    agreement = _monitoring(demo)
    own = _devices(demo, "OSTERSUND", 1)[0]
    berg = _devices(demo, "BERG", 1)[0]
    with pytest.raises(ValidationError) as exc:
        services.monitoring_coverage_set(
            user=demo["users"]["mt-admin"],
            agreement=agreement,
            supplier=demo["orgs"]["SUPPLIER-IMAGING"],
            device_ids=[own.pk, berg.pk],
        )
    assert exc.value.message_dict["devices"] == [
        f"{berg} tillhör Bergs kommun, som inte är part i RJH-MT-BEV-OSD: ett bevakningsavtal omfattar bara "
        "dess kunders utrustning."
    ]
    assert not MonitoredDevice.objects.filter(agreement=agreement).exists()
    agreement.refresh_from_db()
    assert agreement.external_supplier is None


def test_an_mt_support_agreement_covers_no_named_devices(demo):
    agreement = Agreement.objects.get(reference="RJH-MT-2026")
    with pytest.raises(ValidationError) as exc:
        services.monitoring_coverage_set(
            user=demo["users"]["mt-admin"],
            agreement=agreement,
            supplier=demo["orgs"]["SUPPLIER-IMAGING"],
            device_ids=[_devices(demo, "OSTERSUND", 1)[0].pk],
        )
    assert exc.value.message_dict["devices"] == [
        "Bara ett bevakningsavtal omfattar namngivna utrustningar; RJH-MT-2026 är ett avtal om MT-stöd."
    ]


def test_the_device_page_shows_the_supplier_the_agreement_and_its_period(demo):
    agreement = _monitoring(demo)
    devices = _devices(demo, "OSTERSUND")
    services.monitoring_coverage_set(
        user=demo["users"]["mt-admin"],
        agreement=agreement,
        supplier=demo["orgs"]["SUPPLIER-IMAGING"],
        device_ids=[d.pk for d in devices],
    )
    for who in ("mt-admin", "ostersund", "auditor"):
        client = Client()
        client.force_login(demo["users"][who])
        for device in devices:
            response = client.get(f"/devices/{device.pk}/")
            page = response.content.decode()
            assert 'id="separate-agreements"' in page, who
            assert "RJH-MT-BEV-OSD" in page
            assert f"/agreements/{agreement.pk}/" in page
            assert demo["orgs"]["SUPPLIER-IMAGING"].name in page
            assert "2026-01-01 – 2027-12-31" in page


def test_a_device_no_separate_agreement_covers_has_no_panel(demo):
    device = _devices(demo, "BERG", 1)[0]
    client = Client()
    client.force_login(demo["users"]["mt-admin"])
    page = client.get(f"/devices/{device.pk}/").content.decode()
    assert 'id="separate-agreements"' not in page


def test_the_panel_costs_the_same_queries_however_many_agreements_cover_the_device(demo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    device = _devices(demo, "OSTERSUND", 1)[0]
    client = Client()
    client.force_login(demo["users"]["mt-admin"])
    client.get(f"/devices/{device.pk}/")  # the session and the user's scope, read once
    counts = []
    for n in range(3):
        if n:
            agreement = services.agreement_create(
                user=demo["users"]["mt-admin"],
                provider=demo["orgs"]["MT"],
                seller=demo["orgs"]["RJH"],
                reference=f"RJH-MT-BEV-{n}",
                title=f"Bevakning {n}",
                valid_from=dt.date(2026 + n, 1, 1),
                valid_until=dt.date(2026 + n, 12, 31),
                customers=[(demo["orgs"]["OSTERSUND"], "MAS Östersund")],
                rate_schedule=demo["rate_schedule"],
                kind="monitoring",
                auto_extend=False,
            )
            services.monitoring_coverage_set(
                user=demo["users"]["mt-admin"],
                agreement=agreement,
                supplier=demo["orgs"]["SUPPLIER-IMAGING"],
                device_ids=[device.pk],
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/devices/{device.pk}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2]


def test_a_monitoring_agreements_notice_deadline_is_watched_like_the_main_agreements(demo):
    _monitoring(demo)
    deadlines = selectors.agreement_deadlines(
        user=demo["users"]["mt-admin"], within_days=90, today=dt.date(2026, 11, 1)
    )
    assert {d.agreement.reference: d.deadline for d in deadlines}["RJH-MT-BEV-OSD"] == dt.date(2026, 12, 31)


def test_a_monitoring_agreement_with_covered_devices_is_not_in_the_fixed_run(demo):
    agreement = _monitoring(demo)
    services.monitoring_coverage_set(
        user=demo["users"]["mt-admin"],
        agreement=agreement,
        supplier=demo["orgs"]["SUPPLIER-IMAGING"],
        device_ids=[d.pk for d in _devices(demo, "OSTERSUND")],
    )
    call_command("bill", "fixed", "2026H2", stdout=io.StringIO())
    assert Invoice.objects.filter(period="2026H2", part="fixed").exists()
    assert not Invoice.objects.filter(agreement=agreement).exists()


def test_the_api_sets_the_coverage_and_refuses_unknown_fields(demo):
    agreement = _monitoring(demo)
    client = Client()
    client.force_login(demo["users"]["mt-admin"])
    ids = [d.pk for d in _devices(demo, "OSTERSUND")]
    url = f"/api/v1/agreements/{agreement.pk}/monitoring"
    body = {"external_supplier_id": demo["orgs"]["SUPPLIER-IMAGING"].pk, "device_ids": ids}
    bad = client.put(url, json.dumps({**body, "cost": 1}), content_type="application/json")
    assert bad.status_code == 422
    assert not MonitoredDevice.objects.filter(agreement=agreement).exists()
    ok = client.put(url, json.dumps(body), content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["device_ids"] == sorted(ids)


def test_a_customer_contact_cannot_set_the_coverage(demo):
    agreement = _monitoring(demo)
    client = Client()
    client.force_login(demo["users"]["berg"])
    response = client.put(
        f"/api/v1/agreements/{agreement.pk}/monitoring",
        json.dumps({"external_supplier_id": demo["orgs"]["SUPPLIER-IMAGING"].pk, "device_ids": [1]}),
        content_type="application/json",
    )
    assert response.status_code == 404


def test_the_demos_monitoring_agreement_covers_two_devices_with_its_supplier(demo):
    agreement = Agreement.objects.get(reference="RJH-BEV-KROKOM")
    assert agreement.kind == "monitoring"
    assert agreement.external_supplier == demo["orgs"]["SERVICE-EXT"]
    covered = Device.objects.filter(monitoring_links__agreement=agreement)
    assert covered.count() == 2
    assert {d.owner for d in covered} == {demo["orgs"]["KROKOM"]}
    client = Client()
    client.force_login(demo["users"]["krokom"])
    for device in covered:
        page = client.get(f"/devices/{device.pk}/").content.decode()
        assert "RJH-BEV-KROKOM" in page and "Röntgenservice Norr AB" in page


def test_the_demos_monitoring_agreement_is_not_in_the_fixed_run(demo):
    from medtek.billing import services as billing

    before = billing.fixed_run(user=demo["users"]["mt-admin"], period="2025H2")
    assert [b.agreement.reference for b in before.bases] == ["RJH-MT-2024"]
    assert sum(i.net_total for i in Invoice.objects.filter(period="2025H2", part="fixed")) == Decimal(
        "126112.90"
    )
    now = billing.fixed_run(user=demo["users"]["mt-admin"], period="2026H1")
    assert [b.agreement.reference for b in now.bases] == ["RJH-MT-2026"]
    assert not Invoice.objects.filter(agreement__reference="RJH-BEV-KROKOM").exists()
