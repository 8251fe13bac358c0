from __future__ import annotations

from typing import Any, Self

from medtek.inventory import rules
from medtek.organizations.querysets import TenantQuerySet


class DeviceQuerySet(TenantQuerySet[Any]):
    def in_register(self) -> Self:
        """Devices that still count in the register (not decommissioned or handed over)."""
        return self.exclude(status__in=rules.LEFT_REGISTER)
