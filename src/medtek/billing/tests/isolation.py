"""Foreign invoices for the generated isolation tests."""

from typing import Any

from medtek.agreements.tests.factories import AgreementFactory
from medtek.billing.tests.factories import InvoiceFactory


def _invoice(world: Any, org: Any) -> int:
    provider = world.other_mt if org.pk == world.foreign.pk else world.mt
    agreement = AgreementFactory(provider=provider, customers=[org])
    return InvoiceFactory(agreement=agreement, customer=org).pk


def _run(world: Any, org: Any) -> int:
    """A billing run of the provider that bills `org`, with one invoice to `org` in it."""
    from medtek.billing.models import BillingRun

    provider = world.other_mt if org.pk == world.foreign.pk else world.mt
    run = BillingRun.objects.create(provider=provider, part="fixed", period="2026H1", created=1)
    agreement = AgreementFactory(provider=provider, customers=[org])
    InvoiceFactory(agreement=agreement, customer=org, run=run)
    return run.pk


FOREIGN = {"invoice_id": _invoice, "run_id": _run}

BODIES = {
    "POST /api/v1/billing/invoices/{invoice_id}/issue": {},
    "POST /api/v1/billing/invoices/{invoice_id}/credit": {"reason": "x"},
}
