"""How the agreements' events read in a history (registered with core in AppConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from medtek.agreements.choices import EvaluationEvent, EventKind
from medtek.core.events import describe_many


def register() -> None:
    describe_many(
        {
            EventKind.AGREEMENT_CREATED: _("Agreement created"),
            EventKind.AGREEMENT_UPDATED: _("Agreement changed"),
            EventKind.AGREEMENT_TERMINATED: _("Agreement terminated"),
            EventKind.RATE_SCHEDULE_CREATED: _("Rate schedule created"),
            EventKind.RATE_SCHEDULE_ROUNDING_CHANGED: _("Rounding of the indexed rate changed"),
            EventKind.INDEX_FIGURE_ENTERED: _("Price index figure entered"),
            EventKind.MONITORING_COVERAGE_SET: _("Devices under the monitoring agreement set"),
            EventKind.CONTACT_ADDED: _("Contact person added"),
            EventKind.CONTACT_REMOVED: _("Contact person removed"),
            EventKind.NOTICE_RECORDED: _("Changed condition or need reported"),
            EventKind.NOTICE_ACKNOWLEDGED: _("Changed condition or need acknowledged"),
            EvaluationEvent.STARTED: _("Joint evaluation started"),
            EvaluationEvent.UPDATED: _("Joint evaluation changed"),
            EvaluationEvent.ACTION_ADDED: _("Action added to the evaluation"),
            EvaluationEvent.ACTION_DONE: _("Evaluation action done"),
            EvaluationEvent.REPORTED: _("Joint evaluation reported"),
        }
    )
