"""Objects of another tenant for the generated isolation tests (tests/test_isolation.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from medtek.inventory.tests.factories import DeviceFactory, DeviceModelFactory


def _notice(world: Any, org: Any) -> Any:
    """A notice of the department serving `org`, naming one device of `org`."""
    from medtek.safety import services

    model = DeviceModelFactory()
    DeviceFactory(owner=org, model=model, lot="L1")
    notice = services.notice_register(
        user=world.superuser,
        department=org.providers.first(),
        manufacturer=model.manufacturer,
        reference=f"ISO-{org.pk}-{model.pk}",
        title="Foreign notice",
        issued_on=dt.date(2026, 1, 5),
        action="stop_using",
        urgency="immediate",
        model_ids=[model.pk],
    )
    services.notice_find_devices(user=world.superuser, notice=notice)
    return notice


def _notice_id(world: Any, org: Any) -> int:
    return int(_notice(world, org).pk)


def _affected_id(world: Any, org: Any) -> int:
    return int(_notice(world, org).affected.get().pk)


def _incident_id(world: Any, org: Any) -> int:
    from django.utils import timezone

    from medtek.safety import services

    return int(
        services.incident_report(
            user=world.superuser,
            device=DeviceFactory(owner=org),
            kind="near_miss",
            occurred_at=timezone.now(),
            place="Rum 1",
            description="Foreign incident",
            patient_harm="no",
        ).pk
    )


FOREIGN = {
    "notice_id": _notice_id,
    "affected_id": _affected_id,
    "incident_id": _incident_id,
    # The same maker under a name of its own: agreements' change notices also have a `notice_id`,
    # and the list of safety notices must be tried with safety notices whichever maker wins.
    "safety_notice_id": _notice_id,
}

BODIES = {
    "POST /api/v1/safety/affected/{affected_id}/decision": {"decision": "affected"},
    "POST /api/v1/safety/notices/{notice_id}/acknowledge": {},
    "POST /api/v1/safety/notices/{notice_id}/search": {},
    "POST /api/v1/safety/notices/{notice_id}/work-orders": {},
    "POST /api/v1/safety/notices/{notice_id}/block": {},
    "POST /api/v1/safety/notices/{notice_id}/close": {},
    "POST /api/v1/safety/incidents/{incident_id}/assessment": {
        "report_manufacturer": False,
        "report_authority": False,
    },
}
