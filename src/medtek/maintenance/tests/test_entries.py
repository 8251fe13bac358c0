"""Time, travel and material entries: the lines variable billing reads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from medtek.maintenance import hooks, services
from medtek.maintenance.choices import MaterialKind, WorkOrderStatus
from medtek.maintenance.models import MaterialLine, TimeEntry, TravelEntry
from medtek.maintenance.tests.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def test_time_entry_is_written_with_its_hours(world):
    wo = WorkOrderFactory(customer=world.berg)
    entry = services.time_entry_add(user=world.tech, work_order=wo, date=today(), hours=Decimal("2.5"))
    assert entry.hours == Decimal("2.50") and entry.billable and entry.technician == world.tech


def test_negative_hours_are_refused_and_nothing_written(world):
    wo = WorkOrderFactory(customer=world.berg)
    with pytest.raises(ValidationError) as exc:
        services.time_entry_add(user=world.tech, work_order=wo, date=today(), hours=Decimal("-1"))
    assert exc.value.message_dict == {"hours": ["Hours must be more than 0."]}
    assert TimeEntry.objects.count() == 0


def test_more_than_24_hours_on_a_day_are_refused(world):
    wo = WorkOrderFactory(customer=world.berg)
    with pytest.raises(ValidationError) as exc:
        services.time_entry_add(user=world.tech, work_order=wo, date=today(), hours=Decimal("25"))
    assert exc.value.message_dict == {"hours": ["No more than 24 hours can be logged on one day."]}


def test_hours_adding_up_over_24_on_a_day_are_refused(world):
    wo = WorkOrderFactory(customer=world.berg)
    services.time_entry_add(user=world.tech, work_order=wo, date=today(), hours=Decimal("20"))
    with pytest.raises(ValidationError) as exc:
        services.time_entry_add(user=world.tech, work_order=wo, date=today(), hours=Decimal("5"))
    assert "No more than 24 hours can be logged on one day (20.00 already on" in exc.value.messages[0]
    assert TimeEntry.objects.count() == 1


def test_material_line_amount_is_quantity_times_unit_price_in_ore(world):
    wo = WorkOrderFactory(customer=world.berg)
    line = services.material_line_add(
        user=world.tech,
        work_order=wo,
        date=today(),
        kind=MaterialKind.SPARE_PART,
        description="Battery",
        quantity=Decimal("3"),
        unit_price=Decimal("333.335"),
        article_number="BAT-1",
    )
    assert line.unit_price == Decimal("333.34")
    assert line.amount == Decimal("1000.02")


def test_travel_entry_records_the_visit_cost(world):
    wo = WorkOrderFactory(customer=world.berg)
    entry = services.travel_entry_add(user=world.tech, work_order=wo, date=today(), cost=Decimal("450"))
    assert entry.cost == Decimal("450.00")
    assert TravelEntry.objects.filter(work_order=wo).count() == 1


def test_entry_guard_refusal_writes_nothing(world):
    wo = WorkOrderFactory(customer=world.berg)

    def closed_period(work_order, date):  # type: ignore[no-untyped-def]
        raise ValidationError({"date": "The period is already invoiced."})

    hooks.ENTRY_GUARDS.append(closed_period)
    try:
        with pytest.raises(ValidationError) as exc:
            services.material_line_add(
                user=world.tech,
                work_order=wo,
                date=today(),
                kind=MaterialKind.CONSUMABLE,
                description="Electrodes",
                quantity=Decimal(1),
                unit_price=Decimal(10),
            )
    finally:
        hooks.ENTRY_GUARDS.remove(closed_period)
    assert exc.value.message_dict == {"date": ["The period is already invoiced."]}
    assert MaterialLine.objects.count() == 0


def test_entries_on_closed_work_are_refused(world):
    wo = WorkOrderFactory(customer=world.berg, status=WorkOrderStatus.CLOSED)
    with pytest.raises(ValidationError) as exc:
        services.time_entry_add(user=world.tech, work_order=wo, date=today(), hours=Decimal(1))
    assert exc.value.messages == [
        "Entries can only be added to accepted, ongoing or done work, not closed work."
    ]
