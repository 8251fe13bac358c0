"""What a user may see and do: computed once per request from the user's memberships."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied

from medtek.organizations import rules
from medtek.organizations.choices import Role


@dataclass(frozen=True)
class Scope:
    """The organisations a user reaches, per capability."""

    is_superuser: bool = False
    by_capability: dict[str, frozenset[int]] = field(default_factory=dict)
    roles: frozenset[str] = frozenset()
    home_org_ids: frozenset[int] = frozenset()
    # Reached through the user's own memberships (and their parts), not through a provider's service.
    own_by_capability: dict[str, frozenset[int]] = field(default_factory=dict)
    # Of org_ids(capability): those reached only through an assistive-only role (HMC staff), where
    # only assistive devices (and what hangs on them) are reached.
    assistive_only_by_capability: dict[str, frozenset[int]] = field(default_factory=dict)

    def assistive_only_org_ids(self, capability: str = rules.Cap.VIEW) -> frozenset[int]:
        return self.assistive_only_by_capability.get(capability, frozenset())

    def assistive_only(self, capability: str, org_id: int | None) -> bool:
        """Whether the user reaches `org_id` for `capability` for its assistive devices only."""
        return not self.is_superuser and org_id in self.assistive_only_org_ids(capability)

    def org_ids(self, capability: str = rules.Cap.VIEW) -> frozenset[int]:
        return self.by_capability.get(capability, frozenset())

    def own_org_ids(self, capability: str = rules.Cap.VIEW) -> frozenset[int]:
        """The organisations the user is a member of (or of a part of), for `capability`: a party to a
        contract sees it through these, never through a provider that also serves the other party."""
        return self.own_by_capability.get(capability, frozenset())

    def can(self, capability: str, org_id: int | None = None) -> bool:
        if self.is_superuser:
            return True
        ids = self.org_ids(capability)
        return bool(ids) if org_id is None else org_id in ids

    def require(self, capability: str, org_id: int | None = None) -> None:
        """The one permission check of every write: PermissionDenied (403) with the reason, unless the
        user may do `capability` for organisation `org_id` (or anywhere, without one).

        Call it on an object the user may see: visibility is the queryset's (`get_visible`, 404), so a
        foreign object never reaches this and a 403 never tells that a foreign object exists.
        """
        if not self.can(capability, org_id):
            raise PermissionDenied(rules.refusal(capability))

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
    """Set the user's scope from memberships and the graph's version read along with the user (the
    API's token lookup reads them in its one query, with graph_version_sql)."""
    setattr(user, _CACHE_ATTR, SUPERUSER if user.is_superuser else _scope_from(memberships, version))


def _scope_from(memberships: list[tuple[int, str]], version: tuple[Any, ...]) -> Scope:
    if not memberships:
        return EMPTY
    # Scopes are the same for everyone with the same memberships while the organisation graph is
    # unchanged, so each process keeps them, keyed by the memberships and the graph's version.
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


GRAPH_COLUMNS = ("version", "nonce")


def graph_version_sql() -> str:
    """A one-row subquery (alias it) of the organisation graph's version: `version`, counted up by
    database triggers in the transaction of every change of the graph (an organisation added, removed
    or re-parented, a provider link added or removed), and `nonce`, drawn anew with each count, so a
    count reached again after a rolled-back change still reads as another version."""
    from medtek.organizations.models import OrganisationGraph

    table = OrganisationGraph._meta.db_table
    return f"""(
        SELECT COALESCE(MAX(version), 0) AS version, COALESCE(MAX(nonce), 0) AS nonce FROM {table}
    )"""


def _memberships_and_graph_version(user_id: int) -> tuple[list[tuple[int, str]], tuple[Any, ...]]:
    """The user's (organisation, role) pairs and the organisation graph's version, in one query."""
    from django.db import connection

    from medtek.organizations.models import Membership

    columns = ", ".join(f"v.{c}" for c in GRAPH_COLUMNS)
    sql = f"""
        SELECT m.organisation_id, m.role, {columns}
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
    full: dict[str, set[int]] = defaultdict(set)
    own: dict[str, set[int]] = defaultdict(set)
    roles: set[str] = set()
    for org_id, role in memberships:
        roles.add(role)
        reach = subtree(org_id)
        for cap in rules.capabilities_of(role):
            own[cap] |= reach
        if role in rules.PROVIDER_ROLES:
            for provider in list(reach):
                for served in served_by.get(provider, ()):
                    reach |= subtree(served)
        for cap in rules.capabilities_of(role):
            caps[cap] |= reach
            if role not in rules.ASSISTIVE_ONLY_ROLES:
                full[cap] |= reach
    limited = {cap: frozenset(ids - full[cap]) for cap, ids in caps.items() if ids - full[cap]}
    return Scope(
        by_capability={cap: frozenset(ids) for cap, ids in caps.items()},
        roles=frozenset(roles),
        home_org_ids=frozenset(org for org, _ in memberships),
        own_by_capability={cap: frozenset(ids) for cap, ids in own.items()},
        assistive_only_by_capability=limited,
    )
