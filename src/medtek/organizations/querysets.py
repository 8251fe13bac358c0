"""The one choke point for tenant scoping: `Model.objects.visible_to(user, capability)`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import connection, models
from django.db.models import Q
from django.http import Http404

if TYPE_CHECKING:
    from medtek.organizations.scoping import Scope

M = TypeVar("M", bound=models.Model)


class AnyOf(models.Lookup):  # type: ignore[type-arg]
    """`field__any_of=[values]`: membership in a list of ids or texts, sent as one array on PostgreSQL.

    A scope reaches hundreds of organisations, an import checks thousands of asset numbers; Django's
    `__in` prepares, and psycopg splices, each value as its own parameter, which cost an MT user's list
    request milliseconds of Python and an import a tenth of its time.
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        if isinstance(self.rhs, IdArray):
            return self.rhs
        cast = str if isinstance(self.lhs.output_field, models.CharField) else int
        return [cast(v) for v in self.rhs]

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        sql, params = any_of_sql(lhs, self.rhs, vendor=connection.vendor)
        return sql, (*lhs_params, *params)


def array_literal(ids: Iterable[int]) -> str:
    """A bigint array literal for PostgreSQL, written once: psycopg's list dumper costs ~0.4 us a value,
    per query."""
    return "{" + ",".join(map(str, ids)) + "}"


def any_of_sql(column: str, values: Sequence[Any], *, vendor: str | None = None) -> tuple[str, list[Any]]:
    """`column` among `values` in written SQL, as the `any_of` lookup writes it: one array parameter on
    PostgreSQL (ids as one literal), a list of parameters on SQLite; nothing for no values."""
    if not values:
        return "1 = 0", []
    if len(values) == 1:
        # One value is an equality: PostgreSQL 15 reads `col = ANY(array)` through a (col, x) index
        # without x's order, so a customer's first page walked the asset-number index filtering on the
        # owner (15,000 rows for 51); `col = value` reads the (owner, asset number) index in order.
        (value,) = values
        return f"{column} = %s", [value]
    if (vendor or connection.vendor) == "postgresql":
        if isinstance(values, IdArray):
            return f"{column} = ANY(%s::bigint[])", [values.literal]
        if all(type(v) is int for v in values):
            return f"{column} = ANY(%s::bigint[])", [array_literal(values)]
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


class IdArray:
    """Ids for `any_of` as one value, with its array literal written once.

    Django resolves each element of a list or tuple given to a lookup, on every query: for a scope of 300
    organisations that was a fifth of an API list request's Python. A scope's ids are the same objects
    request after request (scopes are cached per process), so their IdArray is too (`id_array`).
    """

    __slots__ = ("ids", "literal")

    def __init__(self, ids: tuple[int, ...]) -> None:
        self.ids = ids
        self.literal = array_literal(ids)

    def __iter__(self) -> Any:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        return f"IdArray({len(self.ids)} ids)"


_ID_ARRAYS: dict[tuple[int, ...], IdArray] = {}
_ID_ARRAYS_MAX = 2000


def id_array(ids: list[int]) -> IdArray:
    """The (cached) IdArray of these ids, in this order."""
    key = tuple(ids)
    found = _ID_ARRAYS.get(key)
    if found is None:
        if len(_ID_ARRAYS) >= _ID_ARRAYS_MAX:
            _ID_ARRAYS.clear()
        found = _ID_ARRAYS[key] = IdArray(key)
    return found


models.IntegerField.register_lookup(AnyOf)
models.ForeignKey.register_lookup(AnyOf)
models.CharField.register_lookup(AnyOf)


class TenantQuerySet(models.QuerySet[M], Generic[M]):
    """A queryset of tenant-owned rows, the manager of every `TenantModel`.

    Where a row's owner is comes from its model (`TenantModel.tenant_field`, `party_field`,
    `assistive_field`); a queryset of its own only adds behaviour (a wider scope, a shortcut).
    """

    @property
    def tenant_field(self) -> str:
        """The path from a row to its owning organisation's id."""
        return str(getattr(self.model, "tenant_field", "organisation_id"))

    @property
    def party_field(self) -> str | None:
        """The path to an organisation that is a party to the row (an invoice's buyer), if any."""
        return getattr(self.model, "party_field", None)

    @property
    def assistive_field(self) -> str | None:
        """The path to the device model's assistive flag, for rows about a device."""
        return getattr(self.model, "assistive_field", None)

    def visible_to(self, user: Any, capability: str = "view", *, all_kinds: bool = False) -> Self:
        """Only the rows `user` may see (or act on, for another capability). Everything goes through here.

        `all_kinds` ignores the assistive-only limit (only to tell a 403 from a 404)."""
        from medtek.organizations.scoping import scope_for

        scope: Scope = scope_for(user)
        if scope.is_superuser:
            return self.all()
        org_ids = scope.org_ids(capability)
        if not org_ids:
            return self.none()
        limited = scope.assistive_only_org_ids(capability) if self.assistive_field and not all_kinds else ()
        if limited and self.assistive_field:
            fully = sorted(set(org_ids) - set(limited))
            condition = self.scope_condition(sorted(limited)) & Q(**{self.assistive_field: True})
            if fully:
                condition |= self.scope_condition(fully)
        else:
            condition = self.scope_condition(sorted(org_ids))
        own_ids = scope.own_org_ids(capability)
        if own_ids:
            condition |= self.party_condition(sorted(own_ids))
        return self.filter(condition)

    def scope_condition(self, org_ids: list[int]) -> Q:
        """The rows of these organisations; a queryset whose rows others may also see widens this."""
        return Q(**{f"{self.tenant_field}__any_of": id_array(org_ids)})

    def party_condition(self, own_org_ids: list[int]) -> Q:
        """The rows these organisations, reached through the user's own memberships, are a party to."""
        if self.party_field is None:
            return Q(pk__in=[])
        return Q(**{f"{self.party_field}__any_of": own_org_ids})

    def get_visible(self, user: Any, capability: str = "view", **lookup: Any) -> M:
        """One row the user may see and act on with `capability`.

        The one rule: a row the user may not see is 404 — a foreign tenant's row looks exactly like a
        missing one; a row the user may see but not act on is 403 with the reason.
        """
        try:
            return self.visible_to(user, capability).get(**lookup)
        except (ObjectDoesNotExist, ValueError, TypeError) as exc:
            if capability != "view" and self._seen_by(user, lookup):
                from medtek.organizations.rules import refusal

                raise PermissionDenied(refusal(capability)) from exc
            if capability != "view" and self.assistive_field and self._seen_by(user, lookup, all_kinds=True):
                # HMC staff know the region's other devices exist; they may not change them.
                from medtek.organizations.rules import ASSISTIVE_ONLY_REFUSAL

                raise PermissionDenied(str(ASSISTIVE_ONLY_REFUSAL)) from exc
            raise Http404(f"No {self.model._meta.verbose_name} matches the given query.") from exc

    def _seen_by(self, user: Any, lookup: dict[str, Any], *, all_kinds: bool = False) -> bool:
        # A fresh queryset: this one may already be narrowed to the capability the user lacks.
        try:
            fresh = type(self)(self.model, using=self.db)
            return fresh.visible_to(user, all_kinds=all_kinds).filter(**lookup).exists()
        except (ValueError, TypeError):
            return False
