"""Who is told: users by role, in given organisations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from medtek.organizations.choices import Role


def members(*, roles: Iterable[str], organisation_ids: Iterable[int] | None = None) -> QuerySet[Any]:
    """Active users holding one of `roles` (in one of the organisations, when given)."""
    qs = get_user_model().objects.filter(is_active=True, memberships__role__in=list(roles))
    if organisation_ids is not None:
        qs = qs.filter(memberships__organisation_id__in=list(organisation_ids))
    return qs.distinct().order_by("pk")


def mt_admins() -> QuerySet[Any]:
    """Every MT admin; each notification is still limited to what the admin may see."""
    return members(roles=[Role.MT_ADMIN])


def customer_contacts(organisation_ids: Iterable[int]) -> QuerySet[Any]:
    return members(roles=[Role.CUSTOMER_CONTACT], organisation_ids=organisation_ids)
