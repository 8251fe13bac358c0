"""Saving the PM prioritisation model re-derives every device's class, interval and next-due date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from medtek.inventory.tests.factories import DeviceFactory, DeviceModelFactory
from medtek.maintenance import services
from medtek.maintenance.models import DevicePMState
from medtek.maintenance.tests.factories import DEFAULT_PM_CLASSES

pytestmark = pytest.mark.django_db


def _classes(**intervals: int) -> list[dict[str, Any]]:
    return [
        {**c, "interval_months": intervals.get(c["code"], c["interval_months"])} for c in DEFAULT_PM_CLASSES
    ]


@pytest.fixture
def ventilator(world: Any) -> Any:
    """A life-support model (EM number 10 + 5 + 3 = 18: class A) without an interval of its own."""
    model = DeviceModelFactory(
        name="Hamilton-C1",
        pm_interval_months=None,
        function_score=10,
        physical_risk_score=5,
        maintenance_need_score=3,
    )
    services.pm_model_save(user=world.admin, classes=DEFAULT_PM_CLASSES)
    device = DeviceFactory(owner=world.berg, model=model)
    services.pm_state_set(user=world.admin, device=device, last_done=dt.date(2026, 1, 31))
    return device


def test_a_class_a_device_is_due_six_months_after_its_last_pm(ventilator: Any) -> None:
    state = DevicePMState.objects.get(device=ventilator)
    assert (state.pm_class.code, state.interval_months, state.next_due) == ("A", 6, dt.date(2026, 7, 31))


def test_a_longer_class_interval_moves_the_next_due_date(world: Any, ventilator: Any) -> None:
    services.pm_model_save(user=world.admin, classes=_classes(A=12))
    state = DevicePMState.objects.get(device=ventilator)
    assert (state.interval_months, state.next_due) == (12, dt.date(2027, 1, 31))


def test_a_device_override_wins_over_the_class_interval(world: Any, ventilator: Any) -> None:
    services.pm_state_set(user=world.admin, device=ventilator, interval_override_months=3)
    services.pm_model_save(user=world.admin, classes=_classes(A=12))
    state = DevicePMState.objects.get(device=ventilator)
    assert (state.interval_months, state.next_due) == (3, dt.date(2026, 4, 30))


def test_new_bands_move_a_device_to_another_class(world: Any, ventilator: Any) -> None:
    bands = [
        {**DEFAULT_PM_CLASSES[0], "min_score": 19},
        {**DEFAULT_PM_CLASSES[1], "max_score": 18},
        DEFAULT_PM_CLASSES[2],
    ]
    services.pm_model_save(user=world.admin, classes=bands)
    state = DevicePMState.objects.get(device=ventilator)
    assert (state.pm_class.code, state.rank, state.interval_months) == ("B", 2, 12)
