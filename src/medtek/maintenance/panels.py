"""The start-page box: the user's open work, or the customer's open reports."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from medtek.maintenance.models import WorkOrder
from medtek.maintenance.selectors import OPEN
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for


def work_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    scope = scope_for(user)
    qs = WorkOrder.objects.visible_to(user).filter(status__in=OPEN)
    if scope.can(Cap.WORK_DO):
        return {
            "work_mine": qs.filter(assigned_to_id=user.pk).count(),
            "work_open": qs.count(),
            "work_mt": True,
        }
    if scope.can(Cap.VIEW):
        return {"work_open": qs.count(), "work_mt": False}
    return None
