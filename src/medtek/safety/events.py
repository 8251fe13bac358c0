"""How the safety events read in a history (registered with core in AppConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from medtek.core.events import describe_many
from medtek.safety.choices import EventKind


def register() -> None:
    describe_many(
        {
            EventKind.NOTICE_REGISTERED: _("Field safety notice registered"),
            EventKind.NOTICE_SEARCHED: _("Affected devices searched for"),
            EventKind.NOTICE_LIST_IMPORTED: _("Manufacturer's list of affected devices imported"),
            EventKind.DEVICE_DECIDED: _("Action on a field safety notice decided"),
            EventKind.WORK_ORDERS_CREATED: _("Work orders created for a field safety notice"),
            EventKind.NOTICE_ACKNOWLEDGED: _("Field safety notice acknowledged"),
            EventKind.NOTICE_CLOSED: _("Field safety notice closed"),
            EventKind.INCIDENT_REPORTED: _("Incident reported"),
            EventKind.INCIDENT_ASSESSED: _("Incident assessed"),
        }
    )
