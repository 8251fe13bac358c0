"""Generated data for the bench: owners, locations, models, users, devices and their event history.

Devices and events are made inside the database with one INSERT ... SELECT each (generate_series on
PostgreSQL, a recursive CTE on SQLite), with secondary indexes dropped during the load and rebuilt after
on PostgreSQL, so a million devices and ten million events load in minutes, not hours.
"""

from __future__ import annotations

import time
from typing import Any

from bench.context import BenchContext

EVENT_KINDS = (
    "device.created",
    "workorder.closed",
    "qc.passed",
    "device.moved",
    "workorder.closed",
    "device.updated",
    "qc.passed",
    "workorder.closed",
    "device.status_changed",
    "workorder.closed",
)
# (status, every how many devices): the rest are in use.
STATUS_EVERY = (
    ("out_of_service", 53),
    ("under_repair", 59),
    ("blocked", 211),
    ("scrapped", 97),
    ("surplus", 89),
)


def _column_defaults(model: Any, given: set[str], connection: Any) -> tuple[list[str], list[Any]]:
    """Columns of `model` not in `given`, with their field defaults ready for the database."""
    names, values = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.column in given:
            continue
        names.append(f.column)
        values.append(f.get_db_prep_save(f.get_default(), connection))
    return names, values


def _series(vendor: str, n: int, name: str = "i", start: int = 1) -> str:
    if vendor == "postgresql":
        return f"generate_series({start}::bigint, {n + start - 1}::bigint) AS s({name})"
    return (
        f"(WITH RECURSIVE s({name}) AS (SELECT {start} UNION ALL SELECT {name} + 1 FROM s "
        f"WHERE {name} < {n + start - 1}) SELECT {name} FROM s) AS s"
    )


def _pad(vendor: str, expr: str, width: int) -> str:
    if vendor == "postgresql":
        return f"lpad(({expr})::text, {width}, '0')"
    return f"printf('%0{width}d', {expr})"


def _day(vendor: str, days_expr: str) -> str:
    if vendor == "postgresql":
        return f"(date '2015-01-01' + ({days_expr})::int)"
    return f"date('2015-01-01', '+' || ({days_expr}) || ' days')"


def _instant(vendor: str, days_expr: str) -> str:
    if vendor == "postgresql":
        return (
            f"((date '2015-01-01' + ({days_expr})::int)::timestamp + interval '9 hours') AT TIME ZONE 'UTC'"
        )
    return f"datetime('2015-01-01 09:00:00', '+' || ({days_expr}) || ' days')"


class _Indexes:
    """On PostgreSQL: drop a table's secondary indexes for a bulk load and rebuild them after."""

    def __init__(self, cursor: Any, vendor: str, tables: list[str]) -> None:
        self.cursor, self.vendor, self.tables = cursor, vendor, tables
        self.saved: list[tuple[str, str]] = []

    def __enter__(self) -> None:
        if self.vendor != "postgresql":
            return
        self.cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [self.tables],
        )
        self.saved = list(self.cursor.fetchall())
        for name, _definition in self.saved:
            self.cursor.execute(f'DROP INDEX "{name}"')

    def __exit__(self, *exc: Any) -> None:
        if exc[0] is not None or self.vendor != "postgresql":
            return
        # Deferred foreign-key checks must run before an index can be built in the same transaction.
        self.cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _name, definition in self.saved:
            self.cursor.execute(definition)


# What people call the devices: a search by one of these words matches a tenth of the register.
CATEGORIES = (
    "Infusionspump",
    "Sprutpump",
    "Defibrillator",
    "Patientövervakning",
    "Ventilator",
    "Vårdsäng",
    "Blodtrycksmätare",
    "Sug",
    "EKG",
    "Ultraljud",
)


def generate(ctx: BenchContext, *, devices: int, owners: int, events_per_device: int, say: Any) -> None:
    """Fill the empty bench database; records ids and users in `ctx`."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from medtek.core.models import Event
    from medtek.inventory.models import Device, DeviceModel, Manufacturer
    from medtek.organizations.choices import OrganisationKind, Role
    from medtek.organizations.models import Location, Membership, Organisation

    vendor = connection.vendor
    locations_per_owner = 10
    started = time.perf_counter()
    with transaction.atomic():
        mt = Organisation.objects.create(
            name="MT Bench", kind=OrganisationKind.MT_DEPARTMENT, short_code="BENCH-MT"
        )
        orgs = Organisation.objects.bulk_create(
            Organisation(
                name=f"Bench kommun {i:03d}",
                kind=OrganisationKind.MUNICIPALITY,
                short_code=f"BK{i:03d}",
                municipality_code=f"{i % 25 + 1:02d}{i % 100:02d}",
            )
            for i in range(owners)
        )
        through = Organisation.providers.through
        through.objects.bulk_create(
            through(from_organisation_id=o.pk, to_organisation_id=mt.pk) for o in orgs
        )
        locations = Location.objects.bulk_create(
            Location(organisation=o, name=f"Vårdenhet {j}", code=f"U{j:02d}")
            for o in orgs
            for j in range(locations_per_owner)
        )
        makers = Manufacturer.objects.bulk_create(
            Manufacturer(name=f"Tillverkare {i:02d}") for i in range(40)
        )
        models = DeviceModel.objects.bulk_create(
            DeviceModel(
                manufacturer=makers[i % len(makers)],
                name=f"Modell {i:03d}",
                category=CATEGORIES[i % len(CATEGORIES)],
                pm_interval_months=(6, 12, 24)[i % 3],
            )
            for i in range(200)
        )
        User = get_user_model()
        admin = User.objects.create_user("bench-admin", password="bench")
        Membership.objects.create(user=admin, organisation=mt, role=Role.MT_ADMIN)
        contact = User.objects.create_user("bench-contact", password="bench")
        Membership.objects.create(user=contact, organisation=orgs[0], role=Role.CUSTOMER_CONTACT)

    owner_ids = [o.pk for o in orgs]
    location_ids = [loc.pk for loc in locations]
    model_ids = [m.pk for m in models]
    for ids in (owner_ids, location_ids, model_ids):
        assert ids == list(range(ids[0], ids[0] + len(ids))), (
            "fresh database expected: ids must be contiguous"
        )
    ctx.mt_id, ctx.owner_ids, ctx.owner_codes = mt.pk, owner_ids, [o.short_code for o in orgs]
    ctx.location_ids, ctx.model_ids, ctx.locations_per_owner = location_ids, model_ids, locations_per_owner
    ctx.admin, ctx.contact = admin, contact

    now = timezone.now()
    o0, l0, m0, no, nm, lpo = (
        owner_ids[0],
        location_ids[0],
        model_ids[0],
        owners,
        len(model_ids),
        locations_per_owner,
    )
    status = (
        "CASE "
        + " ".join(f"WHEN i % {every} = 0 THEN '{name}'" for name, every in STATUS_EVERY)
        + " ELSE 'in_use' END"
    )
    device_exprs = {
        "created_at": "%s",
        "updated_at": "%s",
        "asset_number": f"'BA' || {_pad(vendor, 'i', 8)}",
        "serial_number": f"'S' || {_pad(vendor, '(i * 7919) % 100000000', 8)}",
        "udi_di": f"CASE WHEN i % 5 = 0 THEN '0735' || {_pad(vendor, 'i % 10000000000', 10)} ELSE '' END",
        "model_id": f"{m0} + (i % {nm})",
        "owner_id": f"{o0} + (i % {no})",
        "location_id": (
            f"CASE WHEN i % 20 = 0 THEN NULL ELSE {l0} + (i % {no}) * {lpo} + ((i / {no}) % {lpo}) END"
        ),
        "status": status,
        "acquisition_date": _day(vendor, "i % 3650"),
        "acquisition_value": "1000 + (i % 300000)",
        "stores_patient_data": "(i % 7 = 0)",
        "has_radiation_source": "(i % 101 = 0)",
    }
    rest_cols, rest_vals = _column_defaults(Device, set(device_exprs), connection)
    prep_now = Device._meta.get_field("created_at").get_db_prep_save(now, connection)
    cols = [*device_exprs, *rest_cols]
    exprs = [*device_exprs.values(), *(["%s"] * len(rest_cols))]
    device_sql = (
        f"INSERT INTO {Device._meta.db_table} ({', '.join(cols)}) "
        f"SELECT {', '.join(exprs)} FROM {_series(vendor, devices)}"
    )

    left = "('decommissioned', 'donated', 'sold', 'traded_in', 'scrapped')"
    kinds = (
        "CASE k "
        + " ".join(f"WHEN {i} THEN '{kind}'" for i, kind in enumerate(EVENT_KINDS))
        + " ELSE 'workorder.closed' END"
    )
    last = events_per_device - 1
    true = "true" if vendor == "postgresql" else "1"
    event_exprs = {
        "occurred_at": _instant(vendor, "(d.id * 13) % 3650 + k * 30"),
        "recorded_at": _instant(vendor, "(d.id * 13) % 3650 + k * 30"),
        "kind": kinds,
        "subject_type": "'inventory.device'",
        "subject_id": "d.id",
        "device_id": "d.id",
        "owner_id": "d.owner_id",
        "location_id": "d.location_id",
        "status": f"CASE WHEN k = {last} THEN d.status ELSE 'in_use' END",
        "in_register": f"CASE WHEN k = {last} THEN d.status NOT IN {left} ELSE {true} END",
        "data": "'{}'",
    }
    ev_rest_cols, ev_rest_vals = _column_defaults(Event, set(event_exprs), connection)
    ev_cols = [*event_exprs, *ev_rest_cols]
    ev_exprs = [*event_exprs.values(), *(["%s"] * len(ev_rest_cols))]
    event_sql = (
        f"INSERT INTO {Event._meta.db_table} ({', '.join(ev_cols)}) "
        f"SELECT {', '.join(ev_exprs)} FROM {Device._meta.db_table} d "
        f"CROSS JOIN {_series(vendor, events_per_device, 'k', 0)}"
    )
    # Percent signs in the SQL are operators, not placeholders.
    device_sql = device_sql.replace("%", "%%").replace("%%s", "%s")
    event_sql = event_sql.replace("%", "%%").replace("%%s", "%s")

    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET maintenance_work_mem = '1GB'")
        with transaction.atomic(), _Indexes(cursor, vendor, [Device._meta.db_table, Event._meta.db_table]):
            t = time.perf_counter()
            cursor.execute(device_sql, [prep_now, prep_now, *rest_vals])
            say(f"  {devices:,} devices inserted in {time.perf_counter() - t:.1f} s")
            t = time.perf_counter()
            cursor.execute(event_sql, ev_rest_vals)
            say(f"  {devices * events_per_device:,} events inserted in {time.perf_counter() - t:.1f} s")
            t = time.perf_counter()
        say(f"  indexes built in {time.perf_counter() - t:.1f} s")
        analyze()
    ctx.devices = devices
    ctx.events = devices * events_per_device
    ctx.timings["generate_s"] = time.perf_counter() - started


def analyze() -> None:
    """Fresh planner statistics (VACUUM too on PostgreSQL, except inside a transaction, e.g. a test's)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def load_existing(ctx: BenchContext) -> None:
    """Fill `ctx` from a bench database made earlier (`--reuse`)."""
    from django.contrib.auth import get_user_model

    from medtek.core.models import Event
    from medtek.inventory.models import Device, DeviceModel
    from medtek.organizations.models import Location, Organisation

    mt = Organisation.objects.get(short_code="BENCH-MT")
    orgs = list(Organisation.objects.filter(short_code__startswith="BK").order_by("pk"))
    ctx.mt_id, ctx.owner_ids, ctx.owner_codes = mt.pk, [o.pk for o in orgs], [o.short_code for o in orgs]
    ctx.location_ids = list(Location.objects.order_by("pk").values_list("pk", flat=True))
    ctx.locations_per_owner = len(ctx.location_ids) // max(1, len(orgs))
    ctx.model_ids = list(DeviceModel.objects.order_by("pk").values_list("pk", flat=True))
    User = get_user_model()
    ctx.admin, ctx.contact = (
        User.objects.get(username="bench-admin"),
        User.objects.get(username="bench-contact"),
    )
    ctx.devices = Device.objects.filter(asset_number__startswith="BA").count()
    ctx.events = Event.objects.count()
