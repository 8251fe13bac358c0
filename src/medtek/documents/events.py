"""How the document events read in a history (registered with core in AppConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from medtek.core.events import describe_many
from medtek.documents.choices import EventKind


def register() -> None:
    describe_many(
        {
            EventKind.ATTACHED: _("File attached"),
            EventKind.REMOVED: _("File removed"),
        }
    )
