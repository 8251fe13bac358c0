from __future__ import annotations

from typing import Any

from medtek.organizations.querysets import TenantQuerySet


class AidAgreementQuerySet(TenantQuerySet[Any]):
    tenant_field = "region_id"


class SurplusCaseQuerySet(TenantQuerySet[Any]):
    tenant_field = "organisation_id"


class SurplusItemQuerySet(TenantQuerySet[Any]):
    tenant_field = "case__organisation_id"


class ChecklistEntryQuerySet(TenantQuerySet[Any]):
    tenant_field = "item__case__organisation_id"


class DonationShipmentQuerySet(TenantQuerySet[Any]):
    tenant_field = "organisation_id"
