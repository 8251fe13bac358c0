"""The source's own example on the demo data: 2025H2 at 1123 kr/h, counts at 2025-06-30."""

from decimal import Decimal

import pytest

from medtek.billing import services
from medtek.billing.models import Invoice

pytestmark = pytest.mark.django_db

SOURCE_SHARES = {
    "Bergs kommun": Decimal("5.4"),
    "Bräcke kommun": Decimal("6.5"),
    "Härjedalens kommun": Decimal("10.4"),
    "Krokoms kommun": Decimal("9.8"),
    "Ragunda kommun": Decimal("4.4"),
    "Strömsunds kommun": Decimal("16.5"),
    "Åre kommun": Decimal("5.7"),
    "Östersunds kommun": Decimal("41.3"),
}


def test_fixed_run_2025h2_reproduces_the_source(demo):
    result = services.fixed_run(user=demo["users"]["mt-admin"], period="2025H2")
    (basis,) = result.bases
    assert basis.total.total == Decimal("126112.90")
    assert {r.customer.name: r.share for r in basis.rows} == SOURCE_SHARES
    invoices = Invoice.objects.filter(period="2025H2", part="fixed")
    assert invoices.count() == 8
    assert sum(i.net_total for i in invoices) == Decimal("126112.90")
