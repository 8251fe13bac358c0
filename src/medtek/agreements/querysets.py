"""Scoping of agreements: the MT provider and each customer party see an agreement."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from medtek.organizations.querysets import TenantQuerySet


class ProviderOrPartyQuerySet(TenantQuerySet[Any]):
    """Rows owned by a provider (`tenant_field`) that its customer parties may also see.

    `party_path` leads from the row to the agreement parties' customer ids.
    """

    tenant_field = "provider_id"
    party_path = "parties__customer_id"

    def party_condition(self, own_org_ids: list[int]) -> Q:
        party_rows = self.model._default_manager.filter(**{f"{self.party_path}__any_of": own_org_ids}).values(
            "pk"
        )
        return Q(pk__in=party_rows)


class AgreementQuerySet(ProviderOrPartyQuerySet):
    tenant_field = "provider_id"
    party_path = "parties__customer_id"


class RateScheduleQuerySet(ProviderOrPartyQuerySet):
    tenant_field = "provider_id"
    party_path = "agreements__parties__customer_id"


class AgreementPartyQuerySet(TenantQuerySet[Any]):
    tenant_field = "customer_id"


class IndexFigureQuerySet(ProviderOrPartyQuerySet):
    tenant_field = "schedule__provider_id"
    party_path = "schedule__agreements__parties__customer_id"
