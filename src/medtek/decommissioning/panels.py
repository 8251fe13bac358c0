"""The start page's surplus panel: MT's work queues, or a unit's open cases."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from medtek.decommissioning.choices import CaseStatus
from medtek.decommissioning.models import SurplusCase
from medtek.decommissioning.selectors import overview
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for


def surplus_panel(request: HttpRequest) -> dict[str, Any] | None:
    scope = scope_for(request.user)
    if not scope.can(Cap.SURPLUS_REGISTER) and not scope.can(Cap.SURPLUS_DECIDE):
        return None
    if scope.can(Cap.SURPLUS_DECIDE):
        data = overview(user=request.user, limit=5)
        return {"decide": True, **data}
    open_cases = SurplusCase.objects.visible_to(request.user).filter(status=CaseStatus.OPEN).count()
    return {"decide": False, "open_cases": open_cases}
