"""Reads of the organisation graph: what an organisation is part of, who serves it, who decides for it.

Later apps (surplus decisions, aid agreements, reuse) ask these questions of the graph; they are
answered here once, where the graph lives.
"""

from __future__ import annotations

from typing import Any

from medtek.organizations.choices import OrganisationKind, Role
from medtek.organizations.models import Membership, Organisation
from medtek.organizations.rules import capabilities_of

MT_ROLES = (Role.MT_ADMIN, Role.MT_TECHNICIAN)


def ancestors(org: Organisation) -> list[Organisation]:
    """The organisation and those it is part of, nearest first (the region last)."""
    chain = [org]
    seen = {org.pk}
    current = org
    while current.parent_id is not None and current.parent_id not in seen:
        current = Organisation.objects.get(pk=current.parent_id)
        chain.append(current)
        seen.add(current.pk)
    return chain


def ancestor_ids(org: Organisation) -> set[int]:
    """The ids of the organisation and of those it is part of."""
    return {o.pk for o in ancestors(org)}


def region_of(org: Organisation) -> Organisation:
    """The outermost organisation `org` is part of (itself when it is part of none)."""
    return ancestors(org)[-1]


def serving_department(org: Organisation, *, assistive_only: bool) -> Organisation | None:
    """The MT department (MTH) that serves the organisation, or the assistive-device centre (HMC).

    The serving departments are the organisation's providers (or those of what it is part of); the
    assistive-device centre is the one whose staff are HMC staff.
    """
    for node in ancestors(org):
        providers = list(node.providers.all().order_by("pk"))
        if not providers:
            continue
        roles: dict[int, set[str]] = {}
        for org_id, role in Membership.objects.filter(organisation__in=providers).values_list(
            "organisation_id", "role"
        ):
            roles.setdefault(org_id, set()).add(role)
        hmc = [p for p in providers if Role.HMC_STAFF in roles.get(p.pk, set())]
        mt = [p for p in providers if roles.get(p.pk, set()) & set(MT_ROLES)]
        if assistive_only and hmc:
            return hmc[0]
        if mt:
            return mt[0]
        return providers[0]
    return None


def roles_with(capability: str) -> list[str]:
    """The roles that carry `capability`."""
    return [role for role in Role.values if capability in capabilities_of(role)]


def holds_capability_in(user: Any, organisation_ids: set[int], capability: str) -> bool:
    """Whether the user is a member, in a role carrying `capability`, of one of these organisations."""
    return Membership.objects.filter(
        user=user, organisation_id__in=organisation_ids, role__in=roles_with(capability)
    ).exists()


def is_mt_person(user: Any) -> bool:
    """Whether the user works at an MT department as its admin or technician."""
    return Membership.objects.filter(
        user=user, role__in=MT_ROLES, organisation__kind=OrganisationKind.MT_DEPARTMENT
    ).exists()
