"""Corrective work orders for many devices at once (a field safety notice's corrective action).

Set-based: one query reads the devices, one bulk insert writes the work orders, one the events; the
numbers are the caller's prefix and the device id, so the caller finds its work orders by number.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medtek.core.events import build_event, record_events
from medtek.inventory.models import Device
from medtek.inventory.rules import in_register
from medtek.maintenance.choices import EventKind, WorkOrderKind, WorkOrderStatus
from medtek.maintenance.models import WorkOrder
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for

CHUNK = 5000


def corrective_number(prefix: str, device_id: int) -> str:
    return f"{prefix}{device_id}"


@transaction.atomic
def work_orders_create_corrective(
    *, user: Any, device_ids: Sequence[int], number_prefix: str, title: str, description: str = ""
) -> int:
    """Report a corrective (AU) work order on each device, numbered `number_prefix` + device id.

    Refuses when a device is not one the user manages work for; returns how many were created.
    """
    scope = scope_for(user)
    if not scope.can(Cap.WORK_MANAGE):
        raise PermissionDenied(_("You may not do this for that organisation."))
    allowed = None if scope.is_superuser else scope.org_ids(Cap.WORK_MANAGE)
    now = timezone.now()
    reporter = user if getattr(user, "pk", None) else None
    created: list[WorkOrder] = []
    snapshots: dict[str, dict[str, Any]] = {}
    ids = list(device_ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = list(
            Device.objects.filter(pk__any_of=chunk).values_list("pk", "owner_id", "location_id", "status")
        )
        if len(rows) != len(set(chunk)) or (allowed is not None and any(r[1] not in allowed for r in rows)):
            raise PermissionDenied(_("You may not do this for that organisation."))
        orders = [
            WorkOrder(
                number=corrective_number(number_prefix, pk),
                kind=WorkOrderKind.CM,
                status=WorkOrderStatus.REPORTED,
                device_id=pk,
                customer_id=owner_id,
                location_id=location_id,
                title=title[:200],
                description=description,
                reported_by=reporter,
                reported_at=now,
            )
            for pk, owner_id, location_id, _status in rows
        ]
        WorkOrder.objects.bulk_create(orders, batch_size=1000)
        by_number = dict(
            WorkOrder.objects.filter(number__in=[o.number for o in orders]).values_list("number", "pk")
        )
        for order, (pk, owner_id, location_id, status) in zip(orders, rows, strict=True):
            order.pk = by_number[order.number]
            snapshots[order.number] = {
                "device_id": pk,
                "owner_id": owner_id,
                "location_id": location_id,
                "status": status,
                "in_register": in_register(status),
            }
        created += orders
    record_events(
        build_event(
            kind=EventKind.WO_REPORTED,
            subject=order,
            actor=user,
            data={"number": order.number, "kind": WorkOrderKind.CM.value},
            message=order.title,
            occurred_at=now,
            device_snapshot=snapshots[order.number],
        )
        for order in created
    )
    return len(created)
