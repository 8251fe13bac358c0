"""The one choke point for tenant scoping: `Model.objects.visible_to(user, capability)`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

if TYPE_CHECKING:
    from medtek.organizations.scoping import Scope

M = TypeVar("M", bound=models.Model)


class TenantQuerySet(models.QuerySet[M], Generic[M]):
    """A queryset of tenant-owned rows; `tenant_field` is the path to the owning organisation's id."""

    tenant_field: str = "organisation_id"

    def visible_to(self, user: Any, capability: str = "view") -> Self:
        """Only the rows `user` may see (or act on, for another capability). Everything goes through here."""
        from medtek.organizations.scoping import scope_for

        scope: Scope = scope_for(user)
        if scope.is_superuser:
            return self.all()
        org_ids = scope.org_ids(capability)
        if not org_ids:
            return self.none()
        return self.filter(**{f"{self.tenant_field}__in": sorted(org_ids)})

    def get_visible(self, user: Any, capability: str = "view", **lookup: Any) -> M:
        """One row the user may see, or 404 — a foreign tenant's row looks exactly like a missing one."""
        try:
            return self.visible_to(user, capability).get(**lookup)
        except (ObjectDoesNotExist, ValueError, TypeError) as exc:
            raise Http404(f"No {self.model._meta.verbose_name} matches the given query.") from exc
