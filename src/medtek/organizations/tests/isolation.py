from typing import Any

from medtek.organizations.tests.factories import LocationFactory


def _site(world: Any, org: Any) -> int:
    return LocationFactory(organisation=org).pk


FOREIGN = {"org_id": lambda world, org: org.pk, "site_id": _site}
BODIES: dict[str, dict] = {}
