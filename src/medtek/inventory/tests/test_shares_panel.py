"""The start page's Table 1 counts a contracted private care provider the way the agreement does.

"Fristående vård- och omsorgsgivare som region och kommun träffar avtal med inkluderas i begreppen region
respektive kommun": Vårda Omsorg AB (under contract with Östersund in the demo) is counted inside
Östersund's row, named there, and never on a row of its own.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from medtek.inventory import selectors
from medtek.inventory.models import Device
from medtek.inventory.tests.factories import DeviceModelFactory
from medtek.organizations.choices import OrganisationKind
from medtek.organizations.tests.factories import OrganisationFactory


@pytest.fixture
def varda_devices(demo: Any) -> dict[str, Any]:
    """12 devices of Vårda Omsorg AB, the private care provider that counts as Östersund."""
    varda = demo["orgs"]["VARDA"]
    model = DeviceModelFactory()
    Device.objects.bulk_create(
        Device(asset_number=f"VARDA-{i:03d}", model=model, owner=varda) for i in range(12)
    )
    return demo


def test_a_care_provider_is_counted_inside_the_municipality_it_counts_as(varda_devices: Any) -> None:
    table = selectors.device_owner_shares(user=varda_devices["users"]["mt-admin"])
    rows = {r["owner"].name: r for r in table["rows"]}
    assert "Vårda Omsorg AB (Östersund)" not in rows
    assert rows["Östersunds kommun"]["count"] == 381 + 12
    assert [(p["owner"].name, p["count"]) for p in rows["Östersunds kommun"]["parts"]] == [
        ("Vårda Omsorg AB (Östersund)", 12)
    ]
    assert table["total"] == 935
    assert str(table["total_share"]) == "100.0"


def test_the_start_page_names_the_provider_in_the_municipalitys_row(varda_devices: Any) -> None:
    client = Client()
    client.force_login(varda_devices["users"]["mt-admin"])
    html = client.get("/").content.decode()
    row = html[html.index(">Östersunds kommun</a>") :]
    row = row[: row.index("</tr>")]
    assert ">Vårda Omsorg AB (Östersund)</a>: 12" in row
    assert "varav" in row
    assert '<td class="num">393</td>' in row


def test_a_care_provider_counting_as_no_one_keeps_its_own_row(demo: Any) -> None:
    private = OrganisationFactory(name="Fristående Omsorg AB", kind=OrganisationKind.PRIVATE_CARE_PROVIDER)
    private.providers.add(demo["orgs"]["MT"])
    Device.objects.create(asset_number="FRI-1", model=DeviceModelFactory(), owner=private)
    admin = get_user_model().objects.get(username="mt-admin")  # a fresh scope, with the new organisation
    table = selectors.device_owner_shares(user=admin)
    assert ("Fristående Omsorg AB", 1) in [(r["owner"].name, r["count"]) for r in table["rows"]]
