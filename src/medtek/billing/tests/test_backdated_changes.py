"""A change of owner registered today for a past day counts in the fixed part from that day."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from medtek.billing import services
from medtek.inventory import services as inventory_services
from medtek.inventory.models import Device

pytestmark = pytest.mark.django_db


def test_an_owner_change_dated_before_the_reference_date_moves_the_device_in_the_fixed_part(demo):
    admin = demo["users"]["mt-admin"]
    berg, bracke = demo["orgs"]["BERG"], demo["orgs"]["BRACKE"]
    model = Device.objects.filter(owner=berg).first().model
    device = inventory_services.device_create(
        user=admin,
        asset_number="BERG-NY-1",
        model=model,
        owner=berg,
        registered_at=timezone.make_aware(dt.datetime(2026, 1, 10, 9, 0)),
    )
    # Handed over to Bräcke on 2026-06-20, registered only now.
    inventory_services.device_change_owner(
        user=admin, device=device, owner=bracke, effective_date=dt.date(2026, 6, 20)
    )
    result = services.fixed_run(user=admin, period="2026H2")
    (basis,) = result.bases
    counts = {r.customer.short_code: r.count for r in basis.rows}
    assert (counts["BERG"], counts["BRACKE"], basis.total_devices) == (50, 61, 924)
    # (40 h + 12 min × 924) / 2 = 112.4 h at the demo's 2026 rate of 1157 kr/h.
    assert basis.total.total == Decimal("130046.80")
