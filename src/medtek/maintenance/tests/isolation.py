"""Objects of another tenant for the generated isolation tests (tests/test_isolation.py)."""

from __future__ import annotations

from typing import Any

from medtek.inventory.tests.factories import DeviceFactory, DeviceModelFactory
from medtek.maintenance.choices import ItemKind, WorkOrderKind, WorkOrderStatus
from medtek.maintenance.models import ProtocolItem, ProtocolRecord, ProtocolTemplate, WatchItem, WorkOrder


def _work_order(world: Any, org: Any) -> int:
    device = DeviceFactory(owner=org)
    return WorkOrder.objects.create(
        number=f"ISO-{org.pk}-{WorkOrder.objects.count()}",
        kind=WorkOrderKind.CM,
        status=WorkOrderStatus.IN_PROGRESS,
        device=device,
        customer=org,
        title="Foreign fault",
    ).pk


def _protocol_record(world: Any, org: Any) -> int:
    wo = WorkOrder.objects.get(pk=_work_order(world, org))
    template = ProtocolTemplate.objects.create(
        code=f"ISO-{org.pk}-{ProtocolTemplate.objects.count()}", name="T"
    )
    ProtocolItem.objects.create(template=template, kind=ItemKind.CHECK, label="Visual")
    return ProtocolRecord.objects.create(work_order=wo, device=wo.device, template=template).pk


def _watch_item(world: Any, org: Any) -> int:
    import datetime as dt

    device = DeviceFactory(owner=org, model=DeviceModelFactory(mt_competence=False))
    return WatchItem.objects.create(device=device, due_date=dt.date(2026, 1, 1)).pk


FOREIGN = {
    "work_order_id": _work_order,
    "protocol_record_id": _protocol_record,
    "watch_item_id": _watch_item,
}

BODIES = {
    "POST /api/v1/maintenance/work-orders/{work_order_id}/triage": {"priority": "P2"},
    "POST /api/v1/maintenance/work-orders/{work_order_id}/assign": {"assigned_to_id": 1},
    "POST /api/v1/maintenance/work-orders/{work_order_id}/status": {
        "status": "waiting",
        "waiting_reason": "parts",
    },
    "POST /api/v1/maintenance/work-orders/{work_order_id}/complete": {"resolution": ""},
    "POST /api/v1/maintenance/work-orders/{work_order_id}/time-entries": {"date": "2026-01-05", "hours": "1"},
    "POST /api/v1/maintenance/work-orders/{work_order_id}/travel-entries": {
        "date": "2026-01-05",
        "cost": "100",
    },
    "POST /api/v1/maintenance/work-orders/{work_order_id}/material-lines": {
        "date": "2026-01-05",
        "kind": "spare_part",
        "description": "Part",
        "quantity": "1",
        "unit_price": "10",
    },
    "POST /api/v1/maintenance/protocol-records/{protocol_record_id}/results": {
        "results": [],
        "complete": False,
    },
    "PUT /api/v1/maintenance/devices/{device_id}/pm": {"interval_override_months": 6},
    "POST /api/v1/maintenance/watch-items/{watch_item_id}/confirm": {"done_on": "2026-01-05"},
}
