"""The start page's live Table 1: registered devices and share per owner."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from medtek.inventory.selectors import device_owner_shares


def device_shares_panel(request: HttpRequest) -> dict[str, Any] | None:
    raw = request.GET.get("as_of", "")
    as_of = None
    error = ""
    if raw:
        try:
            as_of = dt.date.fromisoformat(raw)
        except ValueError:
            error = _("'%(value)s' is not a date; write YYYY-MM-DD.") % {"value": raw}
    table = device_owner_shares(user=request.user, day=as_of)
    return {"table": table, "as_of": as_of, "error": error}
