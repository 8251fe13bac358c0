"""How the organisations' events read in a history (registered with core in AppConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from medtek.core.events import describe_many


class EventKind:
    """Kinds of events the organisations app writes."""

    ORGANISATION_CREATED = "organisation.created"
    ORGANISATION_UPDATED = "organisation.updated"
    LOCATION_CREATED = "location.created"
    MEMBERSHIP_GRANTED = "membership.granted"
    TOKEN_CREATED = "token.created"
    TOKEN_REVOKED = "token.revoked"


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
