from __future__ import annotations

from typing import Any

from medtek.organizations.querysets import TenantQuerySet


class WorkOrderQuerySet(TenantQuerySet[Any]):
    tenant_field = "customer_id"
    assistive_field = "device__model__is_assistive"

    def open(self) -> WorkOrderQuerySet:
        return self.exclude(status__in=("done", "closed", "cancelled"))


class KeyFigureMonthQuerySet(TenantQuerySet[Any]):
    """A customer's kept monthly key figures: scoped like its work orders (assistive rows apart)."""

    tenant_field = "customer_id"
    assistive_field = "assistive"


class EntryQuerySet(TenantQuerySet[Any]):
    """Time, travel and material entries: owned by the work order's customer."""

    tenant_field = "work_order__customer_id"
    assistive_field = "work_order__device__model__is_assistive"


class DevicePMStateQuerySet(TenantQuerySet[Any]):
    tenant_field = "device__owner_id"
    assistive_field = "device__model__is_assistive"


class ProtocolRecordQuerySet(TenantQuerySet[Any]):
    tenant_field = "device__owner_id"
    assistive_field = "device__model__is_assistive"


class WatchItemQuerySet(TenantQuerySet[Any]):
    tenant_field = "device__owner_id"
    assistive_field = "device__model__is_assistive"
