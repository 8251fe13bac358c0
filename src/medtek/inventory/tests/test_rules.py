"""The device lifecycle rules, without a database."""

from __future__ import annotations

import pytest
from django.utils import translation

from medtek.inventory import rules
from medtek.inventory.choices import DeviceStatus as S


@pytest.fixture(autouse=True)
def english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


def test_a_device_in_use_can_be_taken_out_of_service() -> None:
    rules.check_transition(S.IN_USE, S.OUT_OF_SERVICE)


def test_a_blocked_device_can_return_to_use_after_a_passed_check() -> None:
    rules.check_transition(S.BLOCKED, S.IN_USE)


def test_a_device_in_use_cannot_jump_straight_to_scrapped() -> None:
    with pytest.raises(rules.IllegalTransition) as exc:
        rules.check_transition(S.IN_USE, S.SCRAPPED)
    assert str(exc.value) == (
        "A device that is 'In use' cannot become 'Scrapped'; it can only become: 'Blocked from use', "
        "'In stock', 'On loan', 'Out of service', 'Surplus', 'Under repair'."
    )


def test_a_scrapped_device_has_left_the_register_for_good() -> None:
    with pytest.raises(rules.IllegalTransition) as exc:
        rules.check_transition(S.SCRAPPED, S.IN_USE)
    assert str(exc.value) == "A device that is 'Scrapped' has left the register for good."


def test_the_same_status_is_not_a_change() -> None:
    with pytest.raises(rules.IllegalTransition) as exc:
        rules.check_transition(S.SURPLUS, S.SURPLUS)
    assert str(exc.value) == "The device is already 'Surplus'."


def test_an_unknown_status_is_named() -> None:
    with pytest.raises(rules.IllegalTransition) as exc:
        rules.check_transition(S.IN_USE, "lost")
    assert str(exc.value) == "'lost' is not a device status."


def test_surplus_is_decommissioned_before_it_is_donated_sold_traded_in_or_scrapped() -> None:
    assert rules.TRANSITIONS[S.DECOMMISSIONED] == {S.DONATED, S.SOLD, S.TRADED_IN, S.SCRAPPED}
    with pytest.raises(rules.IllegalTransition):
        rules.check_transition(S.SURPLUS, S.DONATED)


def test_an_assistive_device_on_loan_is_returned_then_reconditioned() -> None:
    rules.check_transition(S.ON_LOAN, S.RETURNED)
    rules.check_transition(S.RETURNED, S.RECONDITIONING)
    rules.check_transition(S.RECONDITIONING, S.IN_STOCK)


def test_every_status_has_a_row_in_the_lifecycle_table() -> None:
    assert set(rules.TRANSITIONS) == set(S.values)


@pytest.mark.parametrize("status", [S.DECOMMISSIONED, S.DONATED, S.SOLD, S.TRADED_IN, S.SCRAPPED])
def test_a_device_that_left_does_not_count_in_the_register(status: str) -> None:
    assert rules.in_register(status) is False


@pytest.mark.parametrize("status", [S.IN_USE, S.BLOCKED, S.SURPLUS, S.ON_LOAN, S.UNDER_REPAIR])
def test_a_device_still_held_counts_in_the_register(status: str) -> None:
    assert rules.in_register(status) is True


def test_a_blocked_device_may_not_be_used_on_a_patient() -> None:
    assert S.BLOCKED in rules.NOT_USABLE
    assert S.IN_USE not in rules.NOT_USABLE
