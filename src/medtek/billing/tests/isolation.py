"""Foreign invoices for the generated isolation tests."""

from typing import Any

from medtek.agreements.tests.factories import AgreementFactory
from medtek.billing.tests.factories import InvoiceFactory


def _invoice(world: Any, org: Any) -> int:
    provider = world.other_mt if org.pk == world.foreign.pk else world.mt
    agreement = AgreementFactory(provider=provider, customers=[org])
    return InvoiceFactory(agreement=agreement, customer=org).pk


FOREIGN = {"invoice_id": _invoice}

BODIES = {
    "POST /api/v1/billing/invoices/{invoice_id}/issue": {},
    "POST /api/v1/billing/invoices/{invoice_id}/credit": {"reason": "x"},
}
