"""Units in words for people: an invoice line's UN/ECE Recommendation 20 code (what Peppol carries)
reads "st" or "timmar" on pages, PDFs and spreadsheets, never "C62" or "HUR"."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# code: (one, many)
_UNITS: dict[str, tuple[Any, Any]] = {
    "C62": (pgettext_lazy("unit", "pcs"), pgettext_lazy("unit", "pcs")),
    "H87": (pgettext_lazy("unit", "pcs"), pgettext_lazy("unit", "pcs")),
    "EA": (pgettext_lazy("unit", "pcs"), pgettext_lazy("unit", "pcs")),
    "HUR": (_("hour"), _("hours")),
    "MIN": (_("minute"), _("minutes")),
    "DAY": (_("day"), _("days")),
    "MON": (_("month"), _("months")),
    "ANN": (_("year"), _("years")),
    "KMT": (pgettext_lazy("unit", "km"), pgettext_lazy("unit", "km")),
}


def unit_words(code: str, quantity: Decimal | int | str | None = None) -> str:
    """The unit in the active language ("st", "timme", "timmar"); an unknown code reads as itself."""
    words = _UNITS.get((code or "").upper())
    if words is None:
        return code or ""
    one, many = words
    try:
        singular = quantity is not None and abs(Decimal(str(quantity))) == 1
    except ArithmeticError:
        singular = False
    return str(one if singular else many)
