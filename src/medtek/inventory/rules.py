"""Pure rules of the register: the device lifecycle and what counts as registered."""

from __future__ import annotations

from django.utils.translation import gettext as _

from medtek.inventory.choices import DeviceStatus as S

# Which status may follow which. Anything else is an illegal jump.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.IN_USE: frozenset({S.OUT_OF_SERVICE, S.UNDER_REPAIR, S.BLOCKED, S.SURPLUS, S.IN_STOCK, S.ON_LOAN}),
    S.OUT_OF_SERVICE: frozenset({S.IN_USE, S.UNDER_REPAIR, S.BLOCKED, S.SURPLUS}),
    S.UNDER_REPAIR: frozenset({S.IN_USE, S.OUT_OF_SERVICE, S.BLOCKED, S.SURPLUS}),
    S.BLOCKED: frozenset({S.IN_USE, S.UNDER_REPAIR, S.OUT_OF_SERVICE, S.SURPLUS}),
    S.SURPLUS: frozenset({S.IN_USE, S.DECOMMISSIONED, S.IN_STOCK}),
    S.DECOMMISSIONED: frozenset({S.DONATED, S.SOLD, S.TRADED_IN, S.SCRAPPED}),
    S.DONATED: frozenset(),
    S.SOLD: frozenset(),
    S.TRADED_IN: frozenset(),
    S.SCRAPPED: frozenset(),
    # Assistive devices (HMC).
    S.IN_STOCK: frozenset({S.ON_LOAN, S.RECONDITIONING, S.SURPLUS, S.IN_USE, S.BLOCKED}),
    S.ON_LOAN: frozenset({S.RETURNED, S.UNDER_REPAIR, S.BLOCKED}),
    S.RETURNED: frozenset({S.RECONDITIONING, S.IN_STOCK, S.SURPLUS}),
    S.RECONDITIONING: frozenset({S.IN_STOCK, S.SURPLUS, S.BLOCKED}),
}

# Statuses of a device that has left the register: it no longer counts (e.g. for billing).
LEFT_REGISTER = frozenset({S.DECOMMISSIONED, S.DONATED, S.SOLD, S.TRADED_IN, S.SCRAPPED})
# Statuses in which a device must not be used on a patient.
NOT_USABLE = frozenset({S.BLOCKED, S.OUT_OF_SERVICE, S.UNDER_REPAIR}) | LEFT_REGISTER


class IllegalTransition(ValueError):
    """A status change the lifecycle does not allow."""


def check_transition(current: str, target: str) -> None:
    """Raise IllegalTransition with the reason when `current` → `target` is not allowed."""
    if target not in S.values:
        raise IllegalTransition(_("'%(status)s' is not a device status.") % {"status": target})
    label = S(current).label
    if current == target:
        raise IllegalTransition(_("The device is already '%(status)s'.") % {"status": label})
    allowed = TRANSITIONS.get(current, frozenset())
    if target not in allowed:
        if not allowed:
            raise IllegalTransition(
                _("A device that is '%(status)s' has left the register for good.") % {"status": label}
            )
        names = ", ".join(f"'{S(s).label}'" for s in sorted(allowed))
        raise IllegalTransition(
            _("A device that is '%(status)s' cannot become '%(target)s'; it can only become: %(allowed)s.")
            % {"status": label, "target": S(target).label, "allowed": names}
        )


def in_register(status: str) -> bool:
    return status not in LEFT_REGISTER
