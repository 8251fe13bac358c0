"""Corrective work orders for many devices at once (a field safety notice's corrective action).

Set-based, like the PM planner: one INSERT … SELECT writes the work orders and one writes their
events (each on its device's history, with the device's state), whatever the number of devices. The
numbers are the caller's prefix and the device id, so the caller finds its work orders by number.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medtek.core.events import subject_label
from medtek.core.models import Event
from medtek.inventory.models import Device
from medtek.inventory.rules import LEFT_REGISTER
from medtek.maintenance import key_figures_rollup
from medtek.maintenance.choices import EventKind, WorkOrderKind, WorkOrderStatus
from medtek.maintenance.models import WorkOrder
from medtek.organizations.querysets import any_of_sql
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for

CHUNK = 5000


def corrective_number(prefix: str, device_id: int) -> str:
    return f"{prefix}{device_id}"


@transaction.atomic
def work_orders_create_corrective(
    *, user: Any, device_ids: Sequence[int], number_prefix: str, title: str, description: str = ""
) -> int:
    """Report a corrective (AU) work order on each device, numbered `number_prefix` + device id, each
    with its `workorder.reported` event on the device's history.

    Refuses when a device is not one the user manages work for; returns how many were created.
    """
    scope = scope_for(user)
    if not scope.can(Cap.WORK_MANAGE):
        raise PermissionDenied(_("You may not do this for that organisation."))
    ids = sorted({int(i) for i in device_ids})
    devices = Device.objects.filter(pk__any_of=ids)
    if not scope.is_superuser:
        devices = devices.exclude(owner_id__any_of=sorted(scope.org_ids(Cap.WORK_MANAGE)))
    if not scope.is_superuser and devices.exists():
        raise PermissionDenied(_("You may not do this for that organisation."))
    ops = connection.ops
    now = timezone.now()
    stamp = ops.adapt_datetimefield_value(now)
    reporter = user.pk if getattr(user, "pk", None) else None
    left = ", ".join(f"'{status}'" for status in sorted(LEFT_REGISTER))
    data = (
        "jsonb_build_object('number', w.number, 'kind', w.kind)"
        if connection.vendor == "postgresql"
        else "json_object('number', w.number, 'kind', w.kind)"
    )
    created = 0
    with connection.cursor() as cur:
        for start in range(0, len(ids), CHUNK):
            where, params = any_of_sql("d.id", ids[start : start + CHUNK])
            cur.execute(
                f"""
                INSERT INTO {WorkOrder._meta.db_table}
                    (created_at, updated_at, number, kind, status, device_id, customer_id, location_id,
                     title, description, reported_by_id, reported_at, waiting_reason, resolution)
                SELECT %s, %s, %s || CAST(d.id AS TEXT), %s, %s, d.id, d.owner_id, d.location_id,
                       %s, %s, %s, %s, '', ''
                FROM {Device._meta.db_table} d
                WHERE {where}
                ORDER BY d.owner_id, d.id
                """,
                [
                    stamp,
                    stamp,
                    number_prefix,
                    WorkOrderKind.CM.value,
                    WorkOrderStatus.REPORTED.value,
                    title[:200],
                    description,
                    reporter,
                    stamp,
                    *params,
                ],
            )
            created += int(cur.rowcount)
            wo_where, wo_params = any_of_sql("w.device_id", ids[start : start + CHUNK])
            cur.execute(
                f"""
                INSERT INTO {Event._meta.db_table}
                    (occurred_at, recorded_at, actor_id, kind, subject_type, subject_id,
                     device_id, owner_id, location_id, status, in_register, data, message)
                SELECT %s, %s, %s, %s, %s, w.id, d.id, d.owner_id, d.location_id, d.status,
                       d.status NOT IN ({left}), {data}, w.title
                FROM {WorkOrder._meta.db_table} w
                JOIN {Device._meta.db_table} d ON d.id = w.device_id
                WHERE {wo_where} AND w.number = %s || CAST(w.device_id AS TEXT)
                """,
                [
                    stamp,
                    stamp,
                    reporter,
                    EventKind.WO_REPORTED,
                    subject_label(WorkOrder()),
                    *wo_params,
                    number_prefix,
                ],
            )
    # The new AU count in this month's key figures of their customers.
    owners = Device.objects.filter(pk__any_of=ids).values_list("owner_id", flat=True).distinct().order_by()
    key_figures_rollup.refresh((owner, key_figures_rollup.month_of(now)) for owner in owners)
    return created
