"""The start page's box: open notices (and for a customer, those awaiting its acknowledgement) and
incidents awaiting MT's assessment."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for
from medtek.safety.choices import IncidentStatus, NoticeStatus
from medtek.safety.models import Acknowledgement, AffectedDevice, Incident, SafetyNotice


def safety_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    scope = scope_for(user)
    if not scope.can(Cap.VIEW):
        return None
    open_notices = SafetyNotice.objects.visible_to(user).filter(status=NoticeStatus.OPEN)
    context: dict[str, Any] = {
        "open_notices": open_notices.count(),
        "incidents_waiting": Incident.objects.visible_to(user).filter(status=IncidentStatus.REPORTED).count(),
        "mt": scope.is_mt_staff,
    }
    if not context["mt"]:
        mine = AffectedDevice.objects.visible_to(user, Cap.WORK_REPORT).filter(
            notice__status=NoticeStatus.OPEN
        )
        pairs = set(mine.values_list("notice_id", "customer_id").distinct())
        acked = set(
            Acknowledgement.objects.filter(notice_id__in={n for n, _c in pairs}).values_list(
                "notice_id", "customer_id"
            )
        )
        context["to_acknowledge"] = len(pairs - acked)
    if not context["open_notices"] and not context["incidents_waiting"]:
        return None
    return context
