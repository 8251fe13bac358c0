"""Factories for invoices (saved directly)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from medtek.agreements.tests.factories import AgreementFactory
from medtek.billing.models import Invoice, InvoiceLine


class InvoiceFactory(factory.django.DjangoModelFactory):
    """A draft fixed-part invoice of 1000 kr + 25 % VAT with one line."""

    class Meta:
        model = Invoice
        skip_postgeneration_save = True

    agreement = factory.LazyAttribute(lambda o: AgreementFactory(customers=[o.customer]))
    provider = factory.LazyAttribute(lambda o: o.agreement.provider)
    seller = factory.LazyAttribute(lambda o: o.agreement.seller)
    customer = None
    part = "fixed"
    period = "2026H1"
    period_start = dt.date(2026, 1, 1)
    period_end = dt.date(2026, 6, 30)
    buyer_reference = "REF"
    net_total = Decimal("1000.00")
    vat_total = Decimal("250.00")
    gross_total = Decimal("1250.00")

    @factory.post_generation
    def with_line(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            InvoiceLine.objects.create(
                invoice=self,
                position=1,
                kind="fixed",
                description="Fast del",
                quantity=Decimal(1),
                unit_price=Decimal("1000.00"),
                amount=Decimal("1000.00"),
            )
