"""The one filter set for the device list, shared by the API, the HTML list and the exports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.db.models.functions import Upper
from django.db.models.lookups import GreaterThanOrEqual, LessThan

from medtek.inventory import rules
from medtek.inventory.choices import DeviceStatus
from medtek.inventory.querysets import DeviceQuerySet

SORTS: dict[str, list[str]] = {
    "asset_number": ["asset_number"],
    "-asset_number": ["-asset_number"],
    "status": ["status", "asset_number"],
    "-status": ["-status", "-asset_number"],
    "created": ["created_at"],
    "-created": ["-created_at"],
}


@dataclass
class DeviceFilter:
    q: str = ""
    owner: int | None = None
    status: str = ""
    model: int | None = None
    location: int | None = None
    in_register: bool | None = None
    sort: str = "asset_number"

    @classmethod
    def from_params(cls, params: Any) -> DeviceFilter:
        """Read filters from a QueryDict or dict; a bad value is a ValidationError naming the field."""
        errors: dict[str, str] = {}

        def as_int(name: str) -> int | None:
            raw = (params.get(name) or "").strip() if hasattr(params, "get") else ""
            if not raw:
                return None
            try:
                return int(raw)
            except ValueError:
                errors[name] = f"'{raw}' is not a number"
                return None

        status = (params.get("status") or "").strip()
        if status and status not in DeviceStatus.values:
            errors["status"] = f"'{status}' is not a device status"
        sort = (params.get("sort") or "asset_number").strip()
        if sort not in SORTS:
            errors["sort"] = f"sort by one of: {', '.join(SORTS)}"
        raw_reg = (params.get("in_register") or "").strip().lower()
        in_register = {"": None, "true": True, "1": True, "false": False, "0": False}.get(raw_reg)
        if raw_reg and raw_reg not in {"true", "1", "false", "0"}:
            errors["in_register"] = "true or false"
        result = cls(
            q=(params.get("q") or "").strip()[:100],
            owner=as_int("owner"),
            status=status,
            model=as_int("model"),
            location=as_int("location"),
            in_register=in_register,
            sort=sort,
        )
        if errors:
            raise ValidationError(errors)
        return result

    def apply(self, qs: DeviceQuerySet) -> DeviceQuerySet:
        if self.owner is not None:
            qs = qs.filter(owner_id=self.owner)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.model is not None:
            qs = qs.filter(model_id=self.model)
        if self.location is not None:
            qs = qs.filter(location_id=self.location)
        if self.in_register is True:
            qs = qs.exclude(status__in=rules.LEFT_REGISTER)
        elif self.in_register is False:
            qs = qs.filter(status__in=rules.LEFT_REGISTER)
        if self.q:
            term = self.q
            qs = qs.filter(
                starts_with("asset_number", term) | starts_with("serial_number", term) | Q(udi_di=term)
            )
        return qs

    @property
    def order(self) -> list[str]:
        return SORTS[self.sort]

    def as_query(self) -> dict[str, str]:
        """The non-empty filters as URL parameters (for links to the next page and exports)."""
        out: dict[str, str] = {}
        for key in ("q", "owner", "status", "model", "location", "in_register", "sort"):
            value = getattr(self, key)
            if value not in (None, "") and not (key == "sort" and value == "asset_number"):
                out[key] = str(value).lower() if isinstance(value, bool) else str(value)
        return out


def starts_with(field: str, term: str) -> Q:
    """Rows whose `field` starts with `term`, in any case, through the register's search indexes.

    PostgreSQL answers UPPER(col) LIKE 'X%' from its pattern-ops index. SQLite's LIKE cannot use an index
    on a case-sensitive column, so there the prefix is a range on the UPPER(col) expression index
    (SQLite's UPPER knows ASCII only, so other text takes the LIKE).
    """
    if connection.vendor != "sqlite" or not term.isascii() or not term:
        return Q(**{f"{field}__istartswith": term})
    low = term.upper()
    high = low[:-1] + chr(ord(low[-1]) + 1)
    upper = Upper(field)
    return Q(GreaterThanOrEqual(upper, low), LessThan(upper, high))
