from __future__ import annotations

from typing import Any

from medtek.organizations.querysets import TenantQuerySet


class WorkOrderQuerySet(TenantQuerySet[Any]):
    def open(self) -> WorkOrderQuerySet:
        return self.exclude(status__in=("done", "closed", "cancelled"))
