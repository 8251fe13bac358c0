"""The one actor that commands, scheduled jobs (cron, the built-in worker) and internal reads run as
when no user is named.

It reaches every organisation, like a superuser, and writes events without an actor.
"""

from __future__ import annotations


class SystemActor:
    """Not a user: a superuser-like actor with no database row, so events it writes have no actor."""

    pk = None
    id = None
    username = "system"
    is_authenticated = True
    is_active = True
    is_superuser = True
    is_staff = False

    def __str__(self) -> str:
        return "system"

    def get_full_name(self) -> str:
        return "system"


def system_actor() -> SystemActor:
    """The actor a command or job runs as unless it is told to act as a named user."""
    return SystemActor()
