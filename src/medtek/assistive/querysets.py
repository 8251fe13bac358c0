from __future__ import annotations

from typing import Any

from django.db.models import Q

from medtek.organizations.querysets import TenantQuerySet


class ArticleQuerySet(TenantQuerySet[Any]):
    """The centre's catalogue: its staff and those of the organisations it serves see it."""

    tenant_field = "centre_id"

    def scope_condition(self, org_ids: list[int]) -> Q:
        from medtek.organizations.models import Organisation

        serving = Organisation.providers.through.objects.filter(from_organisation_id__in=org_ids)
        return Q(centre_id__any_of=org_ids) | Q(centre_id__in=serving.values("to_organisation_id"))


class ItemQuerySet(TenantQuerySet[Any]):
    tenant_field = "device__owner_id"


class PrescriberQuerySet(TenantQuerySet[Any]):
    tenant_field = "organisation_id"


class PatientQuerySet(TenantQuerySet[Any]):
    """A patient is reached through the organisation that first prescribed for it."""

    tenant_field = "organisation_id"


class PrescriptionQuerySet(TenantQuerySet[Any]):
    """A prescription belongs to the prescriber's organisation (billed the rent); HMC reaches it."""

    tenant_field = "organisation_id"


class LoanQuerySet(TenantQuerySet[Any]):
    tenant_field = "organisation_id"

    def open(self) -> LoanQuerySet:
        return self.filter(returned_on__isnull=True)


class PatientAccessQuerySet(TenantQuerySet[Any]):
    tenant_field = "patient__organisation_id"
