"""The pure rules of notices and incidents, without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from medtek.safety import rules
from medtek.safety.rules import Criteria, Report, RuleError, SerialRange


def test_a_gtin_13_udi_di_is_kept_as_its_14_digits() -> None:
    assert rules.normalize_udi_di("7350012345679") == "07350012345679"


@pytest.mark.parametrize("value", ["07350012345671", "73500", "ABC12345"])
def test_a_udi_di_that_is_not_a_valid_gtin_is_refused(value: str) -> None:
    with pytest.raises(RuleError):
        rules.normalize_udi_di(value)


def test_a_serial_range_starting_after_its_end_says_so() -> None:
    with pytest.raises(RuleError) as exc:
        rules.serial_range("SN2000", "SN1000")
    assert exc.value.message == "The serial range starts after it ends: SN2000 is after SN1000."


def test_a_serial_range_needs_the_same_prefix_and_length() -> None:
    with pytest.raises(RuleError):
        rules.serial_range("SN100", "XY200")
    with pytest.raises(RuleError):
        rules.serial_range("SN100", "SN1000")


def test_a_lot_range_expands_to_its_lots() -> None:
    assert rules.normalize_lots(["IS2401..IS2403", "B7", "IS2402"]) == ["IS2401", "IS2402", "IS2403", "B7"]


def test_a_notice_must_name_a_model_or_a_udi_di() -> None:
    with pytest.raises(RuleError) as exc:
        Criteria(lots=("L1",)).check()
    assert exc.value.field == "models"


def test_lots_and_serial_ranges_narrow_the_product() -> None:
    c = Criteria(model_ids=(1,), lots=("L1",), serial_ranges=(SerialRange("S100", "S199"),))
    assert rules.matches(c, model_id=1, udi_di="", lot="L1", serial="S500")
    assert rules.matches(c, model_id=1, udi_di="", lot="L2", serial="S150")
    assert not rules.matches(c, model_id=1, udi_di="", lot="L2", serial="S250")
    assert not rules.matches(c, model_id=2, udi_di="", lot="L1", serial="S150")


def test_a_serial_range_contains_exactly_the_numbers_between_its_ends() -> None:
    bounds = [0, 7, 99, 100, 999, 5000, 9999]
    for low in bounds:
        for high in [b for b in bounds if b >= low]:
            r = rules.serial_range(f"SN{low:04d}", f"SN{high:04d}")
            for n in [*bounds, low - 1, high + 1]:
                if 0 <= n <= 9999:
                    assert r.contains(f"SN{n:04d}") == (low <= n <= high), (low, high, n)
            assert not r.contains(f"SN{low:05d}")


def test_progress_lists_what_stands_between_a_notice_and_closing() -> None:
    p = rules.Progress(
        found=5, checked=5, affected=4, corrected=3, customers=2, acknowledged=2, searched=True
    )
    assert p.outstanding == ["1 affected devices not corrected"]
    assert not p.complete


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Patient 19121212-1212", True),
        ("pnr 121212-1212", True),
        ("Serienummer 1234567890", False),
        ("", False),
    ],
)
def test_a_personal_identity_number_is_recognised(text: str, found: bool) -> None:
    assert rules.looks_like_personal_number(text) is found


def test_a_report_dated_before_the_incident_is_refused() -> None:
    errors = rules.check_assessment(
        manufacturer=Report(False),
        authority=Report(True, "LV 1", dt.date(2026, 1, 1)),
        occurred_on=dt.date(2026, 1, 5),
        today=dt.date(2026, 1, 10),
    )
    assert [(e.field, e.message) for e in errors] == [
        ("authority_reported_on", "A report cannot be dated before the incident.")
    ]
