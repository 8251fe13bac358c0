"""The one filter set for the device list, shared by the API, the HTML list and the exports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from medtek.inventory import rules, search
from medtek.inventory.choices import DeviceStatus
from medtek.inventory.querysets import DeviceQuerySet

SORTS: dict[str, list[str]] = {
    "asset_number": ["asset_number"],
    "-asset_number": ["-asset_number"],
    "status": ["status", "asset_number"],
    "-status": ["-status", "-asset_number"],
    "serial_number": ["serial_number", "asset_number"],
    "-serial_number": ["-serial_number", "-asset_number"],
    "created": ["created_at"],
    "-created": ["-created_at"],
}
# FU due: already overdue, or due within so many days (the device's PM state, kept by maintenance).
FU_DUE = {"overdue": 0, "30": 30, "90": 90}


@dataclass
class DeviceFilter:
    q: str = ""
    owner: int | None = None
    status: str = ""
    model: int | None = None
    location: int | None = None
    in_register: bool | None = None
    category: str = ""
    fu_due: str = ""
    sort: str = "asset_number"
    _matches: list[search.WordMatch] | None = field(default=None, repr=False, compare=False)

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
        for name in ("q", "category"):
            if "\x00" in (params.get(name) or ""):
                errors[name] = "Text may not contain a NUL character (\\u0000)."
        fu_due = (params.get("fu_due") or "").strip()
        if fu_due and fu_due not in FU_DUE:
            errors["fu_due"] = f"FU due: one of {', '.join(FU_DUE)}"
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
            category=(params.get("category") or "").strip()[:100],
            fu_due=fu_due,
            sort=sort,
        )
        if errors:
            raise ValidationError(errors)
        return result

    def apply(self, qs: DeviceQuerySet, *, with_search: bool = True) -> DeviceQuerySet:
        """The devices of `qs` these filters keep; without the search when a page reads it by branches."""
        if self.owner is not None:
            qs = qs.filter(owner_id=self.owner)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.model is not None:
            qs = qs.filter(model_id=self.model)
        if self.location is not None:
            qs = qs.filter(location_id=self.location)
        if self.category:
            # A device type names models (a small table): the register is then read by model id.
            from medtek.inventory.models import DeviceModel

            ids = list(
                DeviceModel.objects.filter(category__iexact=self.category).values_list("pk", flat=True)
            )
            qs = qs.filter(model_id__any_of=ids) if ids else qs.none()
        if self.fu_due:
            from django.utils import timezone

            today = timezone.localdate()
            days = FU_DUE[self.fu_due]
            # The PM state is maintenance's (its reverse name on the device); the register only reads it.
            due = (
                {"pm_state__next_due__lt": today}
                if days == 0
                else {"pm_state__next_due__lte": today + dt.timedelta(days=days)}
            )
            qs = qs.filter(**due).exclude(status__in=rules.LEFT_REGISTER)
        if self.in_register is True:
            qs = qs.exclude(status__in=rules.LEFT_REGISTER)
        elif self.in_register is False:
            qs = qs.filter(status__in=rules.LEFT_REGISTER)
        if self.q and with_search:
            for match in self.matches:
                qs = qs.filter(match.condition())
        return qs

    @property
    def matches(self) -> list[search.WordMatch]:
        """The search's words resolved against models and placements (once per filter)."""
        if self._matches is None:
            self._matches = search.resolve(self.q)
        return self._matches

    @property
    def order(self) -> list[str]:
        return SORTS[self.sort]

    def as_query(self) -> dict[str, str]:
        """The non-empty filters as URL parameters (for links to the next page and exports)."""
        out: dict[str, str] = {}
        for key in ("q", "owner", "status", "model", "location", "category", "fu_due", "in_register", "sort"):
            value = getattr(self, key)
            if value not in (None, "") and not (key == "sort" and value == "asset_number"):
                out[key] = str(value).lower() if isinstance(value, bool) else str(value)
        return out
