from decimal import Decimal

import pytest

from medtek.core.money import allocate, money, shares_percent

TABLE_1 = {
    "Berg": 50,
    "Bräcke": 60,
    "Härjedalen": 96,
    "Krokom": 90,
    "Ragunda": 41,
    "Strömsund": 152,
    "Åre": 53,
    "Östersund": 381,
}


def test_table_1_shares_have_the_sources_figures_and_sum_to_100():
    shares = shares_percent(TABLE_1)
    assert shares == {
        "Berg": Decimal("5.4"),
        "Bräcke": Decimal("6.5"),
        "Härjedalen": Decimal("10.4"),
        "Krokom": Decimal("9.8"),
        "Ragunda": Decimal("4.4"),
        "Strömsund": Decimal("16.5"),
        "Åre": Decimal("5.7"),
        "Östersund": Decimal("41.3"),
    }
    assert sum(shares.values()) == Decimal("100.0")


def test_fixed_half_year_of_the_source_is_split_to_the_ore():
    # 40 h/year + 12 min per device, 923 devices, 1123 kr/h, half a year.
    total = money(Decimal(1123) * (Decimal(40) + Decimal(923) * Decimal(12) / Decimal(60)) / 2)
    assert total == Decimal("126112.90")
    parts = allocate(total, TABLE_1)
    assert sum(parts.values()) == total
    assert parts["Berg"] == Decimal("6831.69")


def test_allocation_gives_leftover_ore_to_largest_remainders():
    parts = allocate(Decimal("100.00"), {"a": 1, "b": 1, "c": 1})
    assert sorted(parts.values()) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert sum(parts.values()) == Decimal("100.00")


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        money(0.1)  # type: ignore[arg-type]


def test_money_rounds_half_up_to_ore():
    assert money("2.005") == Decimal("2.01")
    assert money(Decimal("-2.005")) == Decimal("-2.01")
