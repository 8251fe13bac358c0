"""Factories for maintenance."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from medtek.maintenance import key_figures_rollup
from medtek.maintenance.choices import TimeBasis, WorkOrderKind, WorkOrderStatus
from medtek.maintenance.models import CMPriority, WorkOrder
from medtek.organizations.tests.factories import MunicipalityFactory

DEFAULT_CM_LEVELS: list[dict[str, Any]] = [
    {
        "code": "P1",
        "name": "Patient safety",
        "rank": 1,
        "response_hours": 1,
        "resolution_hours": 8,
        "time_basis": TimeBasis.CALENDAR,
    },
    {
        "code": "P2",
        "name": "Urgent",
        "rank": 2,
        "response_hours": 4,
        "resolution_hours": 16,
        "time_basis": TimeBasis.WORKING,
    },
    {
        "code": "P3",
        "name": "Normal",
        "rank": 3,
        "response_hours": 16,
        "resolution_hours": 80,
        "time_basis": TimeBasis.WORKING,
    },
    {
        "code": "P4",
        "name": "Planned",
        "rank": 4,
        "response_hours": 40,
        "resolution_hours": 400,
        "time_basis": TimeBasis.WORKING,
    },
]

DEFAULT_PM_CLASSES: list[dict[str, Any]] = [
    {"code": "A", "name": "High risk", "rank": 1, "min_score": 16, "max_score": 20, "interval_months": 6},
    {"code": "B", "name": "Medium risk", "rank": 2, "min_score": 12, "max_score": 15, "interval_months": 12},
    {"code": "C", "name": "Low risk", "rank": 3, "min_score": 4, "max_score": 11, "interval_months": 24},
]


class CMPriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CMPriority
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"X{n}")
    name = "Level"
    rank = factory.Sequence(lambda n: 100 + n)
    response_hours = Decimal(4)
    resolution_hours = Decimal(16)
    time_basis = TimeBasis.CALENDAR


class WorkOrderFactory(factory.django.DjangoModelFactory):
    """A CM work order saved directly (no event), accepted so entries can be added."""

    class Meta:
        model = WorkOrder
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"AU-T{n:06d}")
    kind = WorkOrderKind.CM
    status = WorkOrderStatus.ACCEPTED
    customer = factory.SubFactory(MunicipalityFactory)
    title = "Fault"
    reported_at = factory.LazyFunction(timezone.now)
    accepted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def key_figures(obj: WorkOrder, create: bool, extracted: Any, **kwargs: Any) -> None:
        """Saved directly, yet counted in its month's kept key figures as the services would."""
        if create:
            key_figures_rollup.refresh_for([obj])
