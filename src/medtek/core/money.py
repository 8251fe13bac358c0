"""The one money type: Decimal kronor with öre, and the allocation that never drifts by an öre."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from django.db import models

ORE = Decimal("0.01")
K = TypeVar("K", bound=Hashable)


def money(value: Decimal | int | str) -> Decimal:
    """Round to whole öre, half away from zero (the Swedish commercial convention)."""
    if isinstance(value, float):
        raise TypeError("money is never a float; pass a Decimal, int or str")
    return Decimal(value).quantize(ORE, rounding=ROUND_HALF_UP)


def MoneyField(verbose_name: Any = None, **kwargs: Any) -> models.DecimalField:
    """A database column for kronor with öre."""
    kwargs.setdefault("max_digits", 14)
    kwargs.setdefault("decimal_places", 2)
    return models.DecimalField(verbose_name, **kwargs)  # type: ignore[arg-type]


def allocate(total: Decimal, weights: Mapping[K, int | Decimal], unit: Decimal = ORE) -> dict[K, Decimal]:
    """Split `total` over `weights` in units of `unit` (öre) so the parts add up to the total exactly.

    Largest-remainder (Hamilton) method: every part gets its share rounded down to the öre,
    then the öre left over go one each to the largest remainders (ties: the larger weight,
    then the order given).
    """
    total = Decimal(total).quantize(unit, rounding=ROUND_HALF_UP)
    keys = list(weights)
    if not keys:
        return {}
    weight_sum = sum((Decimal(weights[k]) for k in keys), Decimal(0))
    if weight_sum <= 0:
        raise ValueError("weights must add up to more than zero")
    if any(Decimal(weights[k]) < 0 for k in keys):
        raise ValueError("weights cannot be negative")
    total_ore = int(total / unit)
    exact = {k: Decimal(total_ore) * Decimal(weights[k]) / weight_sum for k in keys}
    floors = {k: int(exact[k]) if exact[k] >= 0 else int(exact[k]) - 1 for k in keys}
    left = total_ore - sum(floors.values())
    order = sorted(
        range(len(keys)), key=lambda i: (-(exact[keys[i]] - floors[keys[i]]), -Decimal(weights[keys[i]]), i)
    )
    for i in order[:left]:
        floors[keys[i]] += 1
    return {k: (Decimal(floors[k]) * unit).quantize(unit) for k in keys}


def shares_percent(counts: Mapping[K, int], places: int = 1) -> dict[K, Decimal]:
    """Each count's share of the whole in percent with `places` decimals, summing to exactly 100.

    The source's Table 1 (Berg 50 of 923 = 5.4 %, ...) is this with one decimal.
    """
    unit = Decimal(1).scaleb(-places)
    if not counts or sum(counts.values()) == 0:
        return {k: Decimal(0).quantize(unit) for k in counts}
    return allocate(Decimal(100), counts, unit=unit)


# Swedish number style for every page, PDF and message: a no-break space between thousands (so an
# amount never wraps), a decimal comma, the unit after a space: "6 831,69 kr", "25,0 %".
THOUSANDS = "\u00a0"


def format_number(value: Decimal | int | str, *, places: int = 2) -> str:
    """A number the Swedish way without its unit ("6 831,69"), for table cells whose header names it."""
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{places}f}"
    return text.replace(",", THOUSANDS).replace(".", ",")


def format_kr(value: Decimal | int | str, *, places: int = 2) -> str:
    """Kronor the Swedish way: "6 831,69 kr" (öre by default; `places=0` for whole kronor)."""
    if isinstance(value, float):
        raise TypeError("money is never a float; pass a Decimal, int or str")
    return f"{format_number(value, places=places)} kr"


def format_percent(value: Decimal | int | str | float, *, places: int = 1) -> str:
    """A percentage the Swedish way: "25,0 %"."""
    return f"{format_number(Decimal(str(value)), places=places)} %"
