"""Factories for agreements and rate schedules (saved directly, without events)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory

from medtek.agreements.models import Agreement, AgreementParty, IndexFigure, RateSchedule
from medtek.organizations.tests.factories import MtDepartmentFactory


class RateScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RateSchedule

    provider = factory.SubFactory(MtDepartmentFactory)
    name = factory.Sequence(lambda n: f"Timersättning {n}")
    base_rate = Decimal("1123.00")
    valid_from = dt.date(2025, 1, 1)
    rounding = "krona"


class IndexFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndexFigure

    schedule = factory.SubFactory(RateScheduleFactory)
    year = 2026
    change_percent = Decimal("3.0")
    publication_reference = "SKR test"


class AgreementFactory(factory.django.DjangoModelFactory):
    """An agreement 2026-01-01 – 2027-12-31 (the source's terms); pass `customers=[org, ...]`."""

    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    provider = factory.SubFactory(MtDepartmentFactory)
    seller = factory.LazyAttribute(lambda o: o.provider)
    reference = factory.Sequence(lambda n: f"AGR-{n}")
    title = "Medicintekniskt stöd"
    valid_from = dt.date(2026, 1, 1)
    valid_until = dt.date(2027, 12, 31)
    rate_schedule = factory.LazyAttribute(lambda o: RateScheduleFactory(provider=o.provider))

    @factory.post_generation
    def customers(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            for org in extracted:
                AgreementParty.objects.create(agreement=self, customer=org, buyer_reference=f"REF-{org.pk}")
