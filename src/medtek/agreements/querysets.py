"""Scoping of agreements: the MT provider and each customer party see an agreement."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from medtek.organizations.querysets import TenantQuerySet


class ProviderOrPartyQuerySet(TenantQuerySet[Any]):
    """Rows owned by a provider (the model's `tenant_field`) that its customer parties may also see.

    The model's `party_path` leads from the row to the agreement parties' customer ids.
    """

    def party_condition(self, own_org_ids: list[int]) -> Q:
        party_path = self.model.party_path
        party_rows = self.model._default_manager.filter(**{f"{party_path}__any_of": own_org_ids}).values("pk")
        return Q(pk__in=party_rows)
