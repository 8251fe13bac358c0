"""How the organisations' events read in a history (registered with core in AppConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from medtek.core.events import describe_many
from medtek.organizations.choices import EventKind


def register() -> None:
    describe_many(
        {
            EventKind.ORGANISATION_CREATED: _("Organisation created"),
            EventKind.ORGANISATION_UPDATED: _("Organisation changed"),
            EventKind.LOCATION_CREATED: _("Placement created"),
            EventKind.MEMBERSHIP_GRANTED: _("Role granted"),
            EventKind.TOKEN_CREATED: _("API token created"),
            EventKind.TOKEN_REVOKED: _("API token revoked"),
        }
    )
