"""How the register's events read in a history (registered with core in AppConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from medtek.core.events import describe_many
from medtek.inventory.choices import EventKind


def register() -> None:
    describe_many(
        {
            EventKind.CREATED: _("Registered"),
            EventKind.UPDATED: _("Details changed"),
            EventKind.MOVED: _("Moved"),
            EventKind.OWNER_CHANGED: _("Owner changed"),
            EventKind.STATUS_CHANGED: _("Status changed"),
            EventKind.IMPORTED: _("Imported"),
        }
    )
