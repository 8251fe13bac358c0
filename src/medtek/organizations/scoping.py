"""What a user may see and do: computed once per request from the user's memberships."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from medtek.organizations import rules
from medtek.organizations.choices import Role


@dataclass(frozen=True)
class Scope:
    """The organisations a user reaches, per capability."""

    is_superuser: bool = False
    by_capability: dict[str, frozenset[int]] = field(default_factory=dict)
    roles: frozenset[str] = frozenset()
    home_org_ids: frozenset[int] = frozenset()

    def org_ids(self, capability: str = rules.Cap.VIEW) -> frozenset[int]:
        return self.by_capability.get(capability, frozenset())

    def can(self, capability: str, org_id: int | None = None) -> bool:
        if self.is_superuser:
            return True
        ids = self.org_ids(capability)
        return bool(ids) if org_id is None else org_id in ids

    @property
    def is_mt_staff(self) -> bool:
        return self.is_superuser or bool(self.roles & {Role.MT_ADMIN, Role.MT_TECHNICIAN, Role.HMC_STAFF})


EMPTY = Scope()
SUPERUSER = Scope(is_superuser=True, roles=frozenset(Role.values))
_CACHE_ATTR = "_medtek_scope"


def scope_for(user: Any) -> Scope:
    """The user's scope, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return EMPTY
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    scope = _compute(user)
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _compute(user: Any) -> Scope:
    if user.is_superuser:
        return SUPERUSER
    memberships, version = _memberships_and_graph_version(user.pk)
    return _scope_from(memberships, version)


def prime_scope(user: Any, memberships: list[tuple[int, str]], version: tuple[Any, ...]) -> None:
    """Set the user's scope from memberships and a graph fingerprint read along with the user (the
    API's token lookup reads them in its one query, with graph_version_sql)."""
    setattr(user, _CACHE_ATTR, SUPERUSER if user.is_superuser else _scope_from(memberships, version))


def _scope_from(memberships: list[tuple[int, str]], version: tuple[Any, ...]) -> Scope:
    if not memberships:
        return EMPTY
    # Scopes are the same for everyone with the same memberships while the organisation graph is
    # unchanged, so each process keeps them, keyed by the memberships and the graph's fingerprint.
    key = (frozenset(memberships), version)
    known = _SCOPES.get(key)
    if known is not None:
        return known
    if len(_SCOPES) > _SCOPES_MAX:
        _SCOPES.clear()
    _SCOPES[key] = scope = _compute_graph(memberships)
    return scope


_SCOPES: dict[Any, Scope] = {}
_SCOPES_MAX = 2000


def graph_version_sql() -> str:
    """A subquery (alias it) of five columns that change whenever the organisation graph does."""
    from medtek.organizations.models import Organisation

    org = Organisation._meta.db_table
    links = Organisation.providers.through._meta.db_table
    return f"""(
        SELECT (SELECT COUNT(*) FROM {org}) AS n,
               (SELECT MAX(updated_at) FROM {org}) AS changed,
               (SELECT COALESCE(SUM(COALESCE(parent_id, 0) * 7 + id), 0) FROM {org}) AS parents,
               (SELECT COUNT(*) FROM {links}) AS links,
               (SELECT COALESCE(SUM(from_organisation_id * 7919 + to_organisation_id), 0) FROM {links})
                   AS link_sum
    )"""


def _memberships_and_graph_version(user_id: int) -> tuple[list[tuple[int, str]], tuple[Any, ...]]:
    """The user's (organisation, role) pairs and a fingerprint of the organisation graph, in one query.

    The fingerprint changes when an organisation is added, removed, saved or re-parented, and when a
    provider link is added or removed.
    """
    from django.db import connection

    from medtek.organizations.models import Membership

    sql = f"""
        SELECT m.organisation_id, m.role, v.n, v.changed, v.parents, v.links, v.link_sum
        FROM {Membership._meta.db_table} m CROSS JOIN {graph_version_sql()} v
        WHERE m.user_id = %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        rows = cursor.fetchall()
    if not rows:
        return [], ()
    return [(r[0], r[1]) for r in rows], tuple(str(v) for v in rows[0][2:])


def _compute_graph(memberships: list[tuple[int, str]]) -> Scope:
    from medtek.organizations.models import Organisation

    # One query for the whole organisation graph reachable from the memberships.
    parent_of: dict[int, int | None] = {}
    served_by: dict[int, set[int]] = defaultdict(set)
    for node_id, node_parent in Organisation.objects.order_by().values_list("id", "parent_id"):
        parent_of[node_id] = node_parent
    for served_id, provider_id in Organisation.providers.through.objects.values_list(
        "from_organisation_id", "to_organisation_id"
    ):
        served_by[provider_id].add(served_id)
    children: dict[int, set[int]] = defaultdict(set)
    for child_id, parent_id in parent_of.items():
        if parent_id is not None:
            children[parent_id].add(child_id)

    def subtree(root: int) -> set[int]:
        seen: set[int] = set()
        stack = [root]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            stack.extend(children.get(node, ()))
        return seen

    caps: dict[str, set[int]] = defaultdict(set)
    roles: set[str] = set()
    for org_id, role in memberships:
        roles.add(role)
        reach = subtree(org_id)
        if role in rules.PROVIDER_ROLES:
            for provider in list(reach):
                for served in served_by.get(provider, ()):
                    reach |= subtree(served)
        for cap in rules.capabilities_of(role):
            caps[cap] |= reach
    return Scope(
        by_capability={cap: frozenset(ids) for cap, ids in caps.items()},
        roles=frozenset(roles),
        home_org_ids=frozenset(org for org, _ in memberships),
    )
