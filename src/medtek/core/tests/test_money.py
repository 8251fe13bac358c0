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


def test_kronor_are_written_the_swedish_way():
    from medtek.core.money import format_kr

    assert format_kr(Decimal("6831.69")) == "6\u00a0831,69 kr"
    assert format_kr(Decimal("126112.9")) == "126\u00a0112,90 kr"
    assert format_kr(Decimal("-1000")) == "-1\u00a0000,00 kr"
    assert format_kr(Decimal("1156.69"), places=0) == "1\u00a0157 kr"


def test_a_percentage_has_one_decimal_and_a_decimal_comma():
    from medtek.core.money import format_percent

    assert format_percent(Decimal("25")) == "25,0 %"
    assert format_percent(Decimal("41.25")) == "41,3 %"


def test_the_template_filters_use_the_same_formats():
    from django.template import Context, Template

    html = Template("{% load money %}{{ a|kr }} · {{ s|percent }} · {{ n|kr }}").render(
        Context({"a": Decimal("6831.69"), "s": Decimal("5.4"), "n": None})
    )
    assert html == "6\u00a0831,69 kr · 5,4 % · "


def test_money_formats_refuse_floats():
    from medtek.core.money import format_kr

    with pytest.raises(TypeError):
        format_kr(0.1)  # type: ignore[arg-type]
