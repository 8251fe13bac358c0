"""Pure rules of assistive devices: patient identities, ISO 9999 codes, what may be dispensed, rent."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils.translation import gettext as _
from stdnum import luhn
from stdnum.exceptions import InvalidComponent, ValidationError
from stdnum.se import personnummer

from medtek.assistive.choices import IdentityKind
from medtek.inventory.choices import DeviceStatus as S

SAMORDNING_OFFSET = 60  # a samordningsnummer is a personnummer whose day of birth has 60 added


class RuleError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def normalize_identity(value: str) -> tuple[str, str]:
    """(the identity as YYYYMMDD-NNNN, its kind) for a personnummer or samordningsnummer, or RuleError
    with the reason. The message never repeats the number."""
    raw = (value or "").strip()
    if not raw:
        raise RuleError("identity", _("Give the patient's personnummer or samordningsnummer."))
    try:
        compact = str(personnummer.compact(raw))
    except ValidationError as exc:
        raise RuleError("identity", _("This is not a personnummer or samordningsnummer.")) from exc
    digits = compact.replace("-", "").replace("+", "")
    if not digits.isdigit() or len(digits) not in (10, 12) or len(compact) not in (11, 13):
        raise RuleError(
            "identity", _("A personnummer has 10 or 12 digits, e.g. 19121212-1212 (only digits, - or +).")
        )
    day = int(compact[-7:-5])
    kind = IdentityKind.SAMORDNINGSNUMMER if day > SAMORDNING_OFFSET else IdentityKind.PERSONNUMMER
    # A samordningsnummer is checked as the personnummer of its real day of birth (day minus 60).
    as_personnummer = (
        f"{compact[:-7]}{day - SAMORDNING_OFFSET:02d}{compact[-5:]}"
        if kind == IdentityKind.SAMORDNINGSNUMMER
        else compact
    )
    try:
        birth = personnummer.get_birth_date(as_personnummer)
    except (InvalidComponent, ValueError) as exc:
        if kind == IdentityKind.SAMORDNINGSNUMMER:
            raise RuleError(
                "identity", _("This samordningsnummer names no real date of birth (its day minus 60).")
            ) from exc
        raise RuleError("identity", _("This personnummer names a date that does not exist.")) from exc
    if not luhn.is_valid(digits[-10:]):
        raise RuleError("identity", _("The check digit is wrong: check the number."))
    if birth > dt.date.today():
        raise RuleError("identity", _("This personnummer names a date of birth in the future."))
    return f"{birth:%Y%m}{day:02d}-{digits[-4:]}", str(kind)


def mask(identity: str) -> str:
    """The identity with its last four digits hidden, for a confirmation that must not show it whole."""
    return re.sub(r"\d{4}$", "XXXX", identity)


ISO_9999 = re.compile(r"^\d{2} \d{2}( \d{2})?$")


def check_iso_9999(code: str) -> str:
    """An ISO 9999 class, subclass and optional division: '12 22' or '12 22 03'."""
    code = " ".join(re.findall(r"\d{2}", code or "")) if re.fullmatch(r"[\d ]+", code or "") else code
    if not code or not ISO_9999.match(code):
        raise RuleError("iso_code", _("An ISO 9999 code is two or three pairs of digits, e.g. 12 22 03."))
    return code


# Why an item cannot be dispensed, by its status.
NOT_DISPENSABLE: dict[str, str] = {
    S.ON_LOAN: "The item is already on loan.",
    S.BLOCKED: "The item is blocked from use after a failed check.",
    S.UNDER_REPAIR: "The item is under repair.",
    S.RECONDITIONING: "The item is in reconditioning.",
    S.RETURNED: "The item is returned and waits for reconditioning.",
}


def check_dispensable(status: str) -> None:
    if status == S.IN_STOCK:
        return
    reason = NOT_DISPENSABLE.get(status)
    if reason is None:
        raise RuleError(
            "item",
            _("Only an item in stock can be dispensed; this one is '%(status)s'.")
            % {"status": S(status).label},
        )
    raise RuleError("item", _(reason))


def started_months(start: dt.date, end: dt.date | None, month_start: dt.date, month_end: dt.date) -> bool:
    """Whether a loan from `start` to `end` (exclusive of nothing: both days count) touches the month."""
    return start <= month_end and (end is None or end >= month_start)


def rent_for_month(
    *, monthly_rent: Decimal, loan_start: dt.date, loan_end: dt.date | None, month: dt.date
) -> Decimal:
    """Rent per started month: a loan that touches the month pays the whole month's rent."""
    from medtek.core.dates import add_months

    month_start = month.replace(day=1)
    month_end = add_months(month_start, 1) - dt.timedelta(days=1)
    return monthly_rent if started_months(loan_start, loan_end, month_start, month_end) else Decimal("0.00")
