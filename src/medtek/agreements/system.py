"""The actor scheduled jobs (cron, the built-in worker) run as when no user is named.

It reaches every organisation, like a superuser, and writes events without an actor.
"""

from __future__ import annotations


class SystemActor:
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
    return SystemActor()
