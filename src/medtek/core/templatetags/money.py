"""`{% load money %}`: the one kronor, number and percent format in templates.

`{{ amount|kr }}` → "6 831,69 kr", `{{ share|percent }}` → "25,0 %", `{{ rate|number }}` → "1 157,00".
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from medtek.core.money import format_kr, format_number, format_percent
from medtek.core.units import unit_words

register = template.Library()


@register.filter
def kr(value: Any, places: int = 2) -> str:
    """Kronor with öre (or `|kr:0` for whole kronor); an empty or non-numeric value is shown as it is."""
    if value is None or value == "":
        return ""
    try:
        return format_kr(Decimal(str(value)), places=int(places))
    except (InvalidOperation, ValueError, TypeError):
        return str(value)


@register.filter
def percent(value: Any, places: int = 1) -> str:
    """A share in percent with one decimal (or `|percent:2`)."""
    if value is None or value == "":
        return ""
    try:
        return format_percent(Decimal(str(value)), places=int(places))
    except (InvalidOperation, ValueError, TypeError):
        return str(value)


@register.filter
def number(value: Any, places: int = 2) -> str:
    """A number the Swedish way without its unit, for text and columns that name the unit themselves."""
    if value is None or value == "":
        return ""
    try:
        return format_number(Decimal(str(value)), places=int(places))
    except (InvalidOperation, ValueError, TypeError):
        return str(value)


@register.filter
def unit(code: Any, quantity: Any = None) -> str:
    """An invoice line's unit code in words: `{{ line.unit_code|unit:line.quantity }}` → "timmar"."""
    return unit_words(str(code or ""), quantity)
