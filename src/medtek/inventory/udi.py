"""Reading a scanned GS1 / UDI barcode into the register's UDI fields, with biip."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _


class BarcodeError(ValueError):
    """A barcode string that is not a GS1 UDI medtek can use."""


@dataclass(frozen=True)
class Udi:
    """The parts of a UDI: the device identifier (DI, a GTIN) and the production identifiers (PI)."""

    di: str
    serial: str = ""
    lot: str = ""
    expiry: dt.date | None = None
    production_date: dt.date | None = None

    @property
    def pi(self) -> str:
        parts = []
        if self.expiry:
            parts.append(f"(17){self.expiry:%y%m%d}")
        if self.lot:
            parts.append(f"(10){self.lot}")
        if self.serial:
            parts.append(f"(21){self.serial}")
        return "".join(parts)


def parse_udi(value: str) -> Udi:
    """Parse a scanned GS1 DataMatrix/GS1-128 string or its human-readable (01)…(21)… form."""
    # biip is imported here, not with the module: a web worker that never reads a barcode keeps its 24 MiB.
    import biip
    from biip.gs1_messages import GS1Message

    text = (value or "").strip()
    if not text:
        raise BarcodeError(_("The barcode is empty."))
    try:
        message = GS1Message.parse_hri(text) if text.startswith("(") else biip.parse(text).gs1_message
    except Exception as exc:  # biip raises its own ParseError subclasses
        raise BarcodeError(_("'%(code)s' is not a GS1 barcode.") % {"code": text}) from exc
    if message is None:
        raise BarcodeError(
            _("'%(code)s' is not a GS1 barcode with application identifiers.") % {"code": text}
        )
    found: dict[str, object] = {}
    for element in message.element_strings:
        ai = element.ai.ai
        if ai == "01":
            if element.gtin is None:
                raise BarcodeError(
                    _("The device identifier (01) %(di)s has a wrong check digit.") % {"di": element.value}
                )
            found["di"] = element.value
        elif ai == "21":
            found["serial"] = element.value
        elif ai == "10":
            found["lot"] = element.value
        elif ai == "17":
            found["expiry"] = element.date
        elif ai == "11":
            found["production_date"] = element.date
    if "di" not in found:
        raise BarcodeError(
            _("'%(code)s' has no device identifier (AI 01): it is not a UDI.") % {"code": text}
        )
    return Udi(
        di=str(found["di"]),
        serial=str(found.get("serial", "")),
        lot=str(found.get("lot", "")),
        expiry=found.get("expiry"),  # type: ignore[arg-type]
        production_date=found.get("production_date"),  # type: ignore[arg-type]
    )
