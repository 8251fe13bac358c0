"""Objects of another tenant for the generated isolation tests (tests/test_isolation.py)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any


def _case(world: Any, org: Any) -> Any:
    from medtek.decommissioning.tests.factories import surplus_case, surplus_device

    device = surplus_device(world.superuser, org)
    return surplus_case(world.superuser, [device])


def _case_id(world: Any, org: Any) -> int:
    return int(_case(world, org).pk)


def _item_id(world: Any, org: Any) -> int:
    return int(_case(world, org).items.get().pk)


# A list test makes several shipments of one organisation: each under an agreement of its own.
_SHIPMENTS = itertools.count(1)


def _shipment_id(world: Any, org: Any) -> int:
    from medtek.decommissioning import services
    from medtek.decommissioning.tests.factories import aid_agreement

    case = _case(world, org)
    item = case.items.get()
    agreement = aid_agreement(org, reference=f"ISO-{org.pk}-{next(_SHIPMENTS)}")
    services.surplus_item_decide(
        user=world.superuser, item=item, disposition="donate", aid_agreement=agreement
    )
    return int(
        services.donation_shipment_create(
            user=world.superuser, aid_agreement=agreement, shipment_date=dt.date.today(), items=[item.pk]
        ).pk
    )


_AID_AGREEMENTS = itertools.count(1)


def _aid_agreement_id(world: Any, org: Any) -> int:
    from medtek.decommissioning.tests.factories import aid_agreement

    return int(aid_agreement(org, reference=f"ISO-AID-{org.pk}-{next(_AID_AGREEMENTS)}").pk)


FOREIGN = {
    "case_id": _case_id,
    "item_id": _item_id,
    "shipment_id": _shipment_id,
    "aid_agreement_id": _aid_agreement_id,
}

BODIES = {
    "POST /api/v1/decommissioning/items/{item_id}/assessment": {"condition": "good"},
    "POST /api/v1/decommissioning/items/{item_id}/decision": {
        "disposition": "destroy",
        "waste_category": "metal",
    },
    "POST /api/v1/decommissioning/items/{item_id}/steps": {"step": "inventory_listing"},
    "POST /api/v1/decommissioning/items/{item_id}/hand-over": {},
    "POST /api/v1/decommissioning/shipments/{shipment_id}/hand-over": {},
    "POST /api/v1/decommissioning/shipments/{shipment_id}/follow-up": {"follow_up": "Kliniken i X"},
    "PATCH /api/v1/decommissioning/aid-agreements/{aid_agreement_id}": {"notes": "x"},
}
