"""How billing's events read in a history (registered with core in AppConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from medtek.billing.choices import EventKind
from medtek.core.events import describe_many


def register() -> None:
    describe_many(
        {
            EventKind.RUN: _("Billing run made"),
            EventKind.ISSUED: _("Invoice issued"),
            EventKind.CREDITED: _("Credit note created"),
        }
    )
