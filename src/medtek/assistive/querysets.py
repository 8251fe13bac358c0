from __future__ import annotations

from typing import Any

from django.db.models import Q

from medtek.organizations.querysets import TenantQuerySet


class ArticleQuerySet(TenantQuerySet[Any]):
    """The centre's catalogue: its staff and those of the organisations it serves see it."""

    def scope_condition(self, org_ids: list[int]) -> Q:
        from medtek.organizations.models import Organisation

        serving = Organisation.providers.through.objects.filter(from_organisation_id__in=org_ids)
        return Q(centre_id__any_of=org_ids) | Q(centre_id__in=serving.values("to_organisation_id"))


class LoanQuerySet(TenantQuerySet[Any]):
    def open(self) -> LoanQuerySet:
        return self.filter(returned_on__isnull=True)
