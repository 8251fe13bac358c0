"""Objects of another tenant for the generated isolation tests (tests/test_isolation.py).

Each entry maps a URL/path parameter name to a maker: (world, organisation) → id of an object
that belongs to `organisation`. Every `<name>_id` parameter of every endpoint and page needs one.
"""

from typing import Any

from medtek.inventory.tests.factories import DeviceFactory, DeviceModelFactory


def _device(world: Any, org: Any) -> int:
    from medtek.inventory.services import device_create

    return device_create(
        user=world.superuser,
        asset_number=f"ISO-{org.pk}-{DeviceFactory._meta.model.objects.count()}",
        model=DeviceModelFactory(),
        owner=org,
    ).pk


def _saved_filter(world: Any, org: Any) -> int:
    """A saved list filter of a user of `org` (saved filters are personal: nobody else's to open)."""
    from medtek.inventory.models import SavedFilter

    owner = world.foreign_admin if org.pk == world.foreign.pk else world.ostersund_contact
    return SavedFilter.objects.create(owner=owner, name=f"Filter {org.pk}", query="q=x").pk


FOREIGN = {"device_id": _device, "filter_id": _saved_filter}
SHARED = {"model_id"}

# Bodies that pass schema validation, so the request reaches the scoping check.
BODIES = {
    "PATCH /api/v1/devices/{device_id}": {"notes": "x"},
    "POST /api/v1/devices/{device_id}/status": {"status": "out_of_service"},
    "POST /api/v1/devices/{device_id}/move": {"location_id": None},
    "POST /api/v1/devices/{device_id}/owner": {"owner_id": 1},
}
