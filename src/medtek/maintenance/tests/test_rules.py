"""Pure rules of maintenance, without a database."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from medtek.maintenance import rules
from medtek.maintenance.choices import ItemKind
from medtek.maintenance.demo import DEFAULT_CM_LEVELS, DEFAULT_PM_CLASSES

TZ = ZoneInfo("Europe/Stockholm")


def test_em_number_adds_the_three_scores():
    assert rules.em_number(10, 5, 5) == 20


def test_default_pm_model_is_accepted():
    rules.check_pm_classes(DEFAULT_PM_CLASSES)


def test_pm_classes_with_overlapping_bands_are_refused():
    classes = [dict(c) for c in DEFAULT_PM_CLASSES]
    classes[1]["max_score"] = 16
    with pytest.raises(
        rules.RuleError, match=re.escape("PM class A overlaps another class at EM number 16.")
    ):
        rules.check_pm_classes(classes)


def test_pm_classes_leaving_a_gap_are_refused():
    classes = [dict(c) for c in DEFAULT_PM_CLASSES]
    classes[2]["max_score"] = 10
    with pytest.raises(rules.RuleError, match=re.escape("No PM class covers EM numbers 11-11.")):
        rules.check_pm_classes(classes)


def test_default_cm_model_is_accepted():
    rules.check_cm_levels(DEFAULT_CM_LEVELS)


def test_cm_levels_with_a_missing_rank_are_refused():
    levels = [dict(lv) for lv in DEFAULT_CM_LEVELS if lv["code"] != "P2"]
    with pytest.raises(rules.RuleError, match=re.escape("Priority level rank 2 is missing")):
        rules.check_cm_levels(levels)


def test_cm_levels_with_the_same_rank_are_refused():
    levels = [dict(lv) for lv in DEFAULT_CM_LEVELS]
    levels[1]["rank"] = 1
    with pytest.raises(rules.RuleError, match=re.escape("Two priority levels have the same rank.")) as info:
        rules.check_cm_levels(levels)
    assert info.value.field == "levels.1.rank"


def test_class_decides_the_interval_unless_model_or_device_says_otherwise():
    assert rules.effective_interval(None, None, 24) == 24
    assert rules.effective_interval(None, 12, 24) == 12
    assert rules.effective_interval(3, 12, 24) == 3


def test_add_months_keeps_the_end_of_month():
    assert rules.add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)


def test_a_closed_work_order_cannot_change():
    with pytest.raises(
        rules.RuleError, match=re.escape("A work order that is Closed cannot change any more.")
    ):
        rules.check_transition("closed", "in_progress")


def test_reported_work_cannot_jump_to_done():
    with pytest.raises(rules.RuleError, match=re.escape("can only become: Accepted, Cancelled.")):
        rules.check_transition("reported", "done")


def test_measured_item_without_unit_is_refused():
    with pytest.raises(rules.RuleError, match=re.escape("A measured value needs its unit.")):
        rules.check_protocol_item(ItemKind.MEASURE, "", None, Decimal("0.3"))


def test_measured_answer_without_unit_is_refused_at_its_item():
    item = rules.ItemSpec(1, ItemKind.MEASURE, "Protective earth resistance", "Ω", None, Decimal("0.3"))
    with pytest.raises(rules.RuleError, match=re.escape("A measured value needs its unit (Ω).")) as info:
        rules.evaluate_protocol([item], {1: {"value": "0.1", "unit": ""}})
    assert info.value.field == "item-1"


def test_an_unanswered_check_is_refused_at_its_item():
    items = [
        rules.ItemSpec(1, ItemKind.CHECK, "Visual inspection", "", None, None),
        rules.ItemSpec(2, ItemKind.CHECK, "Function test", "", None, None),
    ]
    with pytest.raises(rules.RuleError, match="Choose OK or not OK") as info:
        rules.evaluate_protocol(items, {1: {"checked": True}})
    assert info.value.field == "item-2"


def test_cf_leakage_over_50_microampere_fails():
    item = rules.ItemSpec(1, ItemKind.MEASURE, "Applied part leakage, CF", "µA", None, Decimal(50))
    [line] = rules.evaluate_protocol([item], {1: {"value": "51", "unit": "µA"}})
    assert not line.passed


def test_hours_over_24_are_refused():
    with pytest.raises(rules.RuleError, match=re.escape("No more than 24 hours can be logged on one day.")):
        rules.check_hours(Decimal("24.5"))


def test_p2_deadlines_in_working_time_from_friday_16_before_midsummer():
    reported = dt.datetime(2026, 6, 19, 16, tzinfo=TZ)
    response, resolution = rules.sla_deadlines(reported, Decimal(4), Decimal(16), working_time=True)
    assert response == dt.datetime(2026, 6, 22, 11, tzinfo=TZ)
    # 1 h Friday, 9 h Monday, 6 h Tuesday.
    assert resolution == dt.datetime(2026, 6, 23, 14, tzinfo=TZ)


def test_p1_deadline_in_calendar_time_runs_through_the_night():
    reported = dt.datetime(2026, 6, 19, 16, tzinfo=TZ)
    response, _ = rules.sla_deadlines(reported, Decimal(1), Decimal(8), working_time=False)
    assert response == dt.datetime(2026, 6, 19, 17, tzinfo=TZ)


def test_sla_met_late_is_breached():
    due = dt.datetime(2026, 6, 22, 11, tzinfo=TZ)
    assert rules.sla_state(due, due + dt.timedelta(minutes=1), due) == "breached"


# --- a failed check --------------------------------------------------------------------------


def test_work_with_a_failed_check_is_not_approved() -> None:
    assert rules.work_approved(["passed", "failed"]) is False


def test_work_without_failed_checks_is_approved() -> None:
    assert rules.work_approved(["passed"]) is True
    assert rules.work_approved([]) is True


def test_a_failed_check_keeps_the_device_from_going_back_in_use() -> None:
    with pytest.raises(rules.RuleError) as exc:
        rules.check_back_in_use("in_use", ["in_use"], ["IEC 62353 (2026-12-01)"])
    assert exc.value.message == (
        "The device failed IEC 62353 (2026-12-01) and stays out of use until a later check passes "
        "or an MT admin overrides the block with a reason."
    )


def test_a_failed_check_allows_a_move_out_of_use() -> None:
    rules.check_back_in_use("under_repair", ["in_use"], ["IEC 62353 (2026-12-01)"])


def test_an_override_needs_a_reason() -> None:
    with pytest.raises(rules.RuleError):
        rules.check_override_reason("   ")
    assert rules.check_override_reason(" Mätt om ") == "Mätt om"


@pytest.mark.parametrize("raw", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_hours_that_are_no_finite_number_are_refused(raw: str) -> None:
    with pytest.raises(rules.RuleError) as exc:
        rules.check_hours(Decimal(raw))
    assert exc.value.message == "Hours must be a number of hours, not NaN or infinity."
