"""How the assistive-device events read in a history (registered with core in AppConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from medtek.assistive.choices import EventKind
from medtek.core.events import describe_many


def register() -> None:
    describe_many(
        {
            EventKind.ARTICLE_SAVED: _("Assistive-device article saved"),
            EventKind.ITEM_ADDED: _("Added to the assistive-device stock"),
            EventKind.PRESCRIBED: _("Prescribed"),
            EventKind.PRESCRIPTION_CANCELLED: _("Prescription cancelled"),
            EventKind.DISPENSED: _("Dispensed on loan"),
            EventKind.FITTED: _("Fitting recorded"),
            EventKind.RETURNED: _("Returned"),
            EventKind.RECONDITIONED: _("Reconditioned"),
            EventKind.SURPLUS_DECIDED: _("Decided as surplus"),
            EventKind.REPAIR_DECIDED: _("Decided to repair after a failed reconditioning"),
        }
    )
