"""The start page's box of agreements whose notice deadline is near, and the device page's box of the
separate agreements that cover the device."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from medtek.agreements import selectors
from medtek.core.dates import add_months_to_period_end
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for

PANEL_DAYS = 90


def notice_deadlines_panel(request: HttpRequest) -> dict[str, Any] | None:
    if not scope_for(request.user).can(Cap.AGREEMENT_VIEW):
        return None
    rows = [
        {
            "agreement": d.agreement,
            "deadline": d.deadline,
            "days_left": d.days_left,
            "next_end": add_months_to_period_end(d.end, d.agreement.extension_months),
        }
        for d in selectors.agreement_deadlines(user=request.user, within_days=PANEL_DAYS)
    ]
    return {"rows": rows, "within": PANEL_DAYS}


def monitoring_device_panel(request: HttpRequest, device: Any) -> dict[str, Any] | None:
    """The monitoring agreements (J15) covering the device: supplier, agreement and period; hidden when
    MT maintains the device itself, and from a user who may not see the owner's agreements."""
    if not scope_for(request.user).can(Cap.AGREEMENT_VIEW, device.owner_id):
        return None
    agreements = selectors.monitoring_agreements_for_device(user=request.user, device_id=device.pk)
    if not agreements:
        return None
    return {"panel": {"rows": [{"agreement": a, "end": a.end_on()} for a in agreements]}}
