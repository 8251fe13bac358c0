from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q

from medtek.organizations.querysets import TenantQuerySet


class SafetyNoticeQuerySet(TenantQuerySet[Any]):
    """A notice belongs to the MT department that handles it; a customer sees it while it has a device
    on the notice's affected list."""

    def scope_condition(self, org_ids: list[int]) -> Q:
        from medtek.safety.models import AffectedDevice

        customer_has_device = AffectedDevice.objects.filter(
            notice_id=OuterRef("pk"), customer_id__any_of=org_ids
        )
        return Q(department_id__any_of=org_ids) | Q(Exists(customer_has_device))
