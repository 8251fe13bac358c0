"""Pure rules of billing: periods, the fixed part (Bilaga 1), folding counts, VAT and totals."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from medtek.agreements.choices import AgreementKind
from medtek.core.money import allocate, money, shares_percent
from medtek.inventory.rules import fold_counts as fold_counts  # one folding for billing and the start page
from medtek.organizations.rules import org_number_digits

# Invoices are written in Swedish whatever language the user who runs or downloads them reads.
INVOICE_LANGUAGE = "sv"
HALF = re.compile(r"^(\d{4})H([12])$")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def vat_number(org_number: str) -> str:
    """The Swedish VAT registration number of an organisation number: SE, its ten digits, 01."""
    return f"SE{org_number_digits(org_number)}01" if org_number else ""


PERIOD_HELP = gettext_lazy("write a half-year such as 2026H1 or 2026H2, or a month such as 2026-03")


@dataclass(frozen=True)
class Period:
    label: str
    kind: str  # "half" or "month"
    start: dt.date
    end: dt.date

    @property
    def months(self) -> int:
        return 6 if self.kind == "half" else 1


def parse_period(value: str) -> Period:
    """'2026H1' (a half-year) or '2026-03' (a month); ValueError naming what is wrong otherwise."""
    text = (value or "").strip().upper()
    if m := HALF.match(text):
        year, half = int(m.group(1)), int(m.group(2))
        start = dt.date(year, 1 if half == 1 else 7, 1)
        end = dt.date(year, 6, 30) if half == 1 else dt.date(year, 12, 31)
        return Period(f"{year}H{half}", "half", start, end)
    if m := MONTH.match(text):
        year, month = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12:
            last = calendar.monthrange(year, month)[1]
            return Period(f"{year}-{month:02d}", "month", dt.date(year, month, 1), dt.date(year, month, last))
    raise ValueError(
        _("'%(value)s' is not a half-year or a month: %(help)s.") % {"value": value, "help": PERIOD_HELP}
    )


def parse_half_year(value: str) -> Period:
    period = parse_period(value)
    if period.kind != "half":
        raise ValueError(
            _("The fixed part is billed per half-year (e.g. 2026H1), not for '%(value)s'.") % {"value": value}
        )
    return period


def parse_month(value: str) -> Period:
    period = parse_period(value)
    if period.kind != "month":
        raise ValueError(
            _("The variable part is billed per month (e.g. 2026-03), not for '%(value)s'.") % {"value": value}
        )
    return period


# The fixed and the variable part are the economic terms of the MT-support agreement (FU/AU). Equipment MT
# lacks competence for is under separate agreements where MT only watches maintenance need, placement and
# traceability: the runs bill nothing for them.
BILLED_KINDS = frozenset({AgreementKind.MT_SUPPORT})


def is_billed(kind: str) -> bool:
    """Whether the billing runs bill an agreement of this kind (only MT support)."""
    return kind in BILLED_KINDS


def not_billed_reason(reference: str) -> str:
    return _(
        "%(ref)s is a monitoring-only agreement (equipment MT lacks competence for): the fixed and variable "
        "parts are billed under MT-support agreements only."
    ) % {"ref": reference}


@dataclass(frozen=True)
class FixedTerms:
    mode: str  # "hours" or "amounts"
    base_hours: Decimal = Decimal(0)
    minutes_per_device: Decimal = Decimal(0)
    base_amount: Decimal = Decimal(0)
    amount_per_device: Decimal = Decimal(0)


@dataclass(frozen=True)
class FixedTotal:
    devices: int
    hours_per_year: Decimal | None
    hours: Decimal | None  # for the period
    rate: Decimal | None
    total: Decimal


def fixed_total(terms: FixedTerms, *, devices: int, months: int, rate: Decimal | None) -> FixedTotal:
    """The fixed part for `months` of a year: (base + per device × devices) per year, pro rata.

    Bilaga 1's example: (40 h + 12 min × 923) = 224.6 h/year; half a year at 1123 kr/h = 126,112.90 kr.
    """
    fraction = Decimal(months) / Decimal(12)
    if terms.mode == "hours":
        if rate is None:
            raise ValueError(_("The fixed part in hours needs the hourly rate."))
        per_year = Decimal(terms.base_hours) + Decimal(terms.minutes_per_device) * devices / Decimal(60)
        hours = per_year * fraction
        return FixedTotal(devices, per_year, hours, rate, money(hours * rate))
    per_year_amount = Decimal(terms.base_amount) + Decimal(terms.amount_per_device) * devices
    return FixedTotal(devices, None, None, None, money(per_year_amount * fraction))


@dataclass(frozen=True)
class Share:
    customer: int
    count: int
    share: Decimal  # percent, one decimal, summing to 100.0
    amount: Decimal


def distribute(total: Decimal, counts: Mapping[int, int]) -> list[Share]:
    """Table 1: each customer's count, share (one decimal) and part of `total`, adding up to it exactly."""
    if sum(counts.values()) <= 0:
        raise ValueError(_("There are no registered devices to distribute the fixed part over."))
    amounts = allocate(total, counts)
    shares = shares_percent(counts)
    return [Share(c, counts[c], shares[c], amounts[c]) for c in counts]


def vat_amount(net: Decimal, *, applies: bool, rate: Decimal) -> Decimal:
    return money(Decimal(net) * Decimal(rate) / Decimal(100)) if applies else Decimal("0.00")


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return money(Decimal(quantity) * Decimal(unit_price))
