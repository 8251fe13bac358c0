"""Scoping of jobs: a user sees the jobs it started; an MT admin also those of its department."""

from __future__ import annotations

from typing import Any, Self

from medtek.organizations.querysets import TenantQuerySet
from medtek.organizations.rules import Cap

# The capability that shows the department's jobs, not only one's own: an MT admin's alone.
OVERSEE = Cap.CONFIG_MANAGE


class JobQuerySet(TenantQuerySet[Any]):
    """The common choke point (`visible_to`), narrowed to the starter for all but MT admins: a job's
    result names rows of the organisation it ran for, so it is never seen outside that scope."""

    def visible_to(self, user: Any, capability: str = "view", *, all_kinds: bool = False) -> Self:
        own = super().visible_to(user, capability, all_kinds=all_kinds).filter(started_by_id=user.pk)
        overseen = super().visible_to(user, OVERSEE, all_kinds=all_kinds)
        return own | overseen
