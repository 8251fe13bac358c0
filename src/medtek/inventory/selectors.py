"""Every read of the register, scoped to the acting user."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, F
from django.db.models.expressions import OrderBy, RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from medtek.core.pagination import Page, keyset_page
from medtek.inventory import rules, search
from medtek.inventory.filters import DeviceFilter
from medtek.inventory.models import Device, DeviceModel
from medtek.inventory.querysets import DeviceQuerySet
from medtek.organizations.models import Organisation
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for


def device_queryset(
    *, user: Any, filters: DeviceFilter | None = None, with_search: bool = True
) -> DeviceQuerySet:
    qs = Device.objects.visible_to(user)
    return (filters or DeviceFilter()).apply(qs, with_search=with_search)


def device_list(
    *, user: Any, filters: DeviceFilter, cursor: str | None = None, limit: int | None = None
) -> Page[Device]:
    """A page of the devices the user may see, filtered, sorted and keyset-paginated."""
    return _device_page(
        lambda qs: qs.select_related("model__manufacturer", "owner", "location").only(
            *_DEVICE_FIELDS, *LIST_RELATED_FIELDS
        ),
        user=user,
        filters=filters,
        cursor=cursor,
        limit=limit,
    )


def _device_page(
    shape: Callable[[DeviceQuerySet], Any],
    *,
    user: Any,
    filters: DeviceFilter,
    cursor: str | None,
    limit: int | None,
    with_count: bool = True,
) -> Page[Any]:
    """One page of the devices the user may see, each row as `shape` reads it (model objects or values):
    a search through its index reads (`_search_page`), any other list by keyset. The list, its page's rows
    and the API's rows are the same devices, counts and cursors."""
    if _by_branches(filters):
        base = device_queryset(user=user, filters=filters, with_search=False)
        return _search_page(base, shape(base), filters, cursor=cursor, limit=limit, with_count=with_count)
    rows = device_queryset(user=user, filters=filters)
    return keyset_page(
        shape(rows),
        order=filters.order,
        cursor=cursor,
        limit=limit,
        count_queryset=rows,
        with_count=with_count,
    )


# A row of the device list page as plain values: what the row shows, and the columns its sort orders page
# by (the same keys the list's cursors carry).
PAGE_ROW_VALUES = (
    "pk",
    "id",
    "asset_number",
    "serial_number",
    "status",
    "created_at",
    "model__name",
    "model__category",
    "model__manufacturer__name",
    "owner__name",
    "owner__short_code",
    "location__name",
)


def device_list_rows(
    *, user: Any, filters: DeviceFilter, cursor: str | None = None, limit: int | None = None
) -> Page[dict[str, Any]]:
    """`device_list` as dictionaries of what the list page shows (PAGE_ROW_VALUES): the same rows, counts
    and cursors, without five model instances a row."""
    return _device_page(
        lambda qs: qs.values(*PAGE_ROW_VALUES), user=user, filters=filters, cursor=cursor, limit=limit
    )


# A search counts its matches up to this many ("more than 1,000 devices"): counting reads them.
SEARCH_COUNT_CAP = 1000


def _by_branches(filters: DeviceFilter) -> bool:
    return bool(filters.q) and connection.vendor == "postgresql" and bool(filters.matches)


def _search_page(
    base: DeviceQuerySet,
    full: Any,
    filters: DeviceFilter,
    *,
    cursor: str | None,
    limit: int | None,
    with_count: bool = True,
) -> Page[Any]:
    """A keyset page of a search, read as bounded index ranges (`search.union_sql`), then the page's
    rows by id. Cursors are the same as the list's without a search."""
    from django.conf import settings

    from medtek.core.pagination import _after, _decode, _encode, _value, cursor_count

    if limit is not None and limit < 1:
        raise ValidationError({"limit": "A page holds at least one row."})
    limit = min(limit or settings.MEDTEK["PAGE_SIZE"], settings.MEDTEK["MAX_PAGE_SIZE"])
    order = list(filters.order)
    if "pk" not in order and "-pk" not in order:
        order.append("-pk" if order[0].startswith("-") else "pk")
    fields = [o.lstrip("-") for o in order]
    label = base.model._meta.label
    matches = filters.matches
    count: int | None
    if cursor:
        state = _decode(cursor, order, label)
        count, exact = cursor_count(state)
        after = base.filter(_after(order, state["k"]))
    elif not with_count:
        count, exact, after = None, False, base
    else:
        sql, params = search.union_sql(base, matches, order, SEARCH_COUNT_CAP + 1, sorted_=False)
        with connection.cursor() as cur:
            cur.execute(sql, params)
            found = [row[0] for row in cur.fetchall()]
        # Stops at the cap: a device met by two branches may then make it "more than" a little early.
        exact = len(found) <= SEARCH_COUNT_CAP
        count = len(set(found)) if exact else SEARCH_COUNT_CAP
        after = base
    # The page's rows in the same statement as the index reads: the rows of the page's ids, in the page's
    # order through expressions no index provides, so that the planner joins those few ids by primary key
    # and sorts them rather than walking an index.
    sql, params = search.union_sql(after, matches, order, limit + 1)
    found = full.filter(pk__in=RawSQL(f"SELECT id FROM ({sql}) hits", params))
    rows = list(found.order_by(*_sorted_apart(order))[: limit + 1])
    has_more = len(rows) > limit
    items = rows[:limit]
    next_cursor = None
    if has_more and items:
        next_cursor = _encode([_value(items[-1], f) for f in fields], count, exact, order, label)
    return Page(items=items, next_cursor=next_cursor, count=count, count_exact=exact)


def _sorted_apart(order: list[str]) -> list[OrderBy]:
    """`order` as expressions no index of the register answers (`COALESCE(col, col)`; the id as itself)."""
    out = []
    for o in order:
        name = o.lstrip("-")
        value = F("pk") if name == "pk" else Coalesce(F(name), F(name))
        out.append(OrderBy(value, descending=o.startswith("-")))
    return out


# What a list row shows of the related rows; the rest of them is not fetched (lean list queries).
LIST_RELATED_FIELDS = (
    "model__name",
    "model__category",
    "model__manufacturer__name",
    "owner__name",
    "owner__short_code",
    "location__name",
    "location__code",
    "location__organisation_id",
)
_DEVICE_FIELDS = tuple(f.name for f in Device._meta.concrete_fields)


# A list row as plain values: the device's own columns and the two names the API shows.
# (The bookkeeping columns created_at, updated_at and notes are left out: the list does not show them.)
LIST_VALUES = (
    "pk",
    *(
        f.attname
        for f in Device._meta.concrete_fields
        if f.attname not in {"created_at", "updated_at", "notes"}
    ),
    "model__name",
    "model__category",
    "owner__name",
)


def device_list_values(
    *,
    user: Any,
    filters: DeviceFilter,
    cursor: str | None = None,
    limit: int | None = None,
    with_count: bool = True,
) -> Page[dict[str, Any]]:
    """`device_list` as dictionaries of values (no model objects, two small joins): the API's fast path.
    Without `with_count` the first page is not counted (its count is None)."""
    return _device_page(
        lambda qs: qs.values(*LIST_VALUES),
        user=user,
        filters=filters,
        cursor=cursor,
        limit=limit,
        with_count=with_count,
    )


def device_get(*, user: Any, pk: int, capability: str = Cap.VIEW) -> Device:
    return Device.objects.select_related(
        "model__manufacturer", "owner", "location", "external_maintainer"
    ).get_visible(user, capability, pk=pk)


def example_model_name() -> str:
    """A device model of the register as the import writes it ("Manufacturer Model"), for its template;
    models are reference data every user may read."""
    first = DeviceModel.objects.order_by("manufacturer__name", "name").values_list(
        "manufacturer__name", "name"
    )
    found = first.first()
    return f"{found[0]} {found[1]}" if found else ""


def device_find(*, user: Any, code: str) -> Device | None:
    """A device by asset number, serial number or a scanned UDI barcode (the technician's scan box)."""
    from medtek.inventory.udi import BarcodeError, parse_udi

    code = code.strip()
    if not code:
        return None
    qs = Device.objects.visible_to(user)
    device = qs.filter(asset_number__iexact=code).first()
    if device:
        return device
    try:
        udi = parse_udi(code)
    except BarcodeError:
        return qs.filter(serial_number__iexact=code).first()
    by_udi = qs.filter(udi_di=udi.di)
    if udi.serial:
        by_udi = by_udi.filter(serial_number=udi.serial)
    return by_udi.first()


def device_counts_now(*, user: Any, kinds: list[str] | None = None) -> dict[int, int]:
    """Devices in the register per owner, now (owner id → count)."""
    qs = Device.objects.visible_to(user).in_register()
    if kinds:
        qs = qs.filter(owner__kind__in=kinds)
    return dict(qs.values_list("owner_id").annotate(n=Count("id")).values_list("owner_id", "n"))


def _end_of_day(day: dt.date) -> Any:
    """The first moment after local `day`, as the database compares it with `occurred_at`.

    Raw SQL gets no field conversion: SQLite keeps datetimes as UTC text, so the moment is given in UTC
    there too (a local-time string would shift every day by the UTC offset).
    """
    moment = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    return connection.ops.adapt_datetimefield_value(moment)


def device_counts_as_of(*, user: Any, day: dt.date, owner_ids: list[int] | None = None) -> dict[int, int]:
    """Devices in the register per owner at the end of `day`, from the traceability log.

    Each device's latest event up to that moment carries its owner and whether it counted then.
    """
    visible = scope_for(user)
    allowed = None if visible.is_superuser else set(visible.org_ids(Cap.VIEW))
    if owner_ids is not None:
        allowed = set(owner_ids) if allowed is None else allowed & set(owner_ids)
    if allowed is not None and not allowed:
        return {}
    sql, params = _as_of_sql(_end_of_day(day))
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    return {owner: n for owner, n in rows if allowed is None or owner in allowed}


def _latest_state_sql() -> str:
    """Each device's latest event before a moment (one %s): device_id, owner_id, in_register.

    One index probe per device into core_event_device_state (a covering index, see core's migration
    0003), instead of sorting the whole event log.
    """
    if connection.vendor == "postgresql":
        return """
            SELECT d.id AS device_id, e.owner_id, e.in_register
            FROM inventory_device d CROSS JOIN LATERAL (
                SELECT owner_id, in_register FROM core_event
                WHERE device_id = d.id AND occurred_at < %s
                ORDER BY occurred_at DESC, id DESC LIMIT 1
            ) e
        """
    return """
        SELECT d.id AS device_id, e.owner_id, e.in_register
        FROM inventory_device d JOIN core_event e ON e.id = (
            SELECT x.id FROM core_event x
            WHERE x.device_id = d.id AND x.occurred_at < %s
            ORDER BY x.occurred_at DESC, x.id DESC LIMIT 1
        )
    """


def _as_of_sql(moment: Any) -> tuple[str, list[Any]]:
    sql = f"SELECT owner_id, COUNT(*) FROM ({_latest_state_sql()}) latest WHERE in_register GROUP BY owner_id"
    return sql, [moment]


def devices_owned_on(*, user: Any, owner: Organisation, day: dt.date) -> list[int]:
    """Ids of the devices `owner` had in the register at the end of `day` (for billing bases)."""
    if not scope_for(user).can(Cap.VIEW, owner.pk):
        return []
    sql = (
        f"SELECT device_id FROM ({_latest_state_sql()}) latest "
        "WHERE in_register AND owner_id = %s ORDER BY device_id"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [_end_of_day(day), owner.pk])
        return [row[0] for row in cur.fetchall()]


def device_owner_shares(*, user: Any, day: dt.date | None = None) -> dict[str, Any]:
    """The source's Table 1: registered devices per customer, share with one decimal summing to 100.0.

    Counts now, or at the end of `day` from the traceability log. Customers are the organisations the user
    sees other than MT/HMC's own departments and their regions. A private care provider that counts as a
    municipality (the agreement's definition) is counted inside it, as billing counts it, and named in its
    row (`parts`); one counting as an organisation the user does not see keeps its own row.
    """
    from medtek.core.money import shares_percent
    from medtek.organizations.choices import OrganisationKind

    counts = device_counts_now(user=user) if day is None else device_counts_as_of(user=user, day=day)
    customer_kinds = {OrganisationKind.MUNICIPALITY, OrganisationKind.PRIVATE_CARE_PROVIDER}
    owners = {o.pk: o for o in Organisation.objects.filter(pk__in=counts.keys())}
    scope = scope_for(user)
    counts_as = {
        pk: o.counts_as_id
        for pk, o in owners.items()
        if o.counts_as_id and scope.can(Cap.VIEW, o.counts_as_id)
    }
    missing = set(counts_as.values()) - set(owners)
    orgs = {**owners, **{o.pk: o for o in Organisation.objects.filter(pk__in=missing)}} if missing else owners
    targets = set(counts_as.values())
    customers = [
        pk for pk, o in orgs.items() if pk not in counts_as and (o.kind in customer_kinds or pk in targets)
    ]
    if not customers:
        customers = list(owners)
    totals, parts = rules.fold_counts(counts, counts_as, customers)
    customer_counts = {pk: n for pk, n in totals.items() if n}
    shares = shares_percent(customer_counts)
    rows: list[dict[str, Any]] = sorted(
        (
            {
                "owner": orgs[pk],
                "count": n,
                "share": shares[pk],
                "parts": sorted(
                    ({"owner": orgs[o], "count": c} for o, c in parts[pk].items() if o != pk),
                    key=lambda p: str(p["owner"]),
                ),
            }
            for pk, n in customer_counts.items()
        ),
        key=lambda r: str(r["owner"]),
    )
    return {
        "rows": rows,
        "total": sum(customer_counts.values()),
        "total_share": sum(shares.values()),
        "day": day,
    }


def saved_filters(*, user: Any) -> list[Any]:
    """The user's own saved device-list filters (nobody else's: they are personal)."""
    from medtek.inventory.models import SavedFilter

    if not getattr(user, "is_authenticated", False):
        return []
    return list(SavedFilter.objects.filter(owner=user).only("id", "name", "query"))
