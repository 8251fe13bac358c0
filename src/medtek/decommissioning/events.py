"""How surplus and decommissioning events read in a history (registered with core in AppConfig.ready)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from medtek.core.events import describe_many
from medtek.decommissioning.choices import ChecklistStep, EventKind


def register() -> None:
    describe_many(
        {
            EventKind.CASE_REGISTERED: _("Registered as surplus"),
            EventKind.ASSESSED: _("Surplus assessed"),
            EventKind.DECIDED: _("Decision on surplus"),
            EventKind.HANDED_OVER: _("Handed over"),
            EventKind.AID_AGREEMENT_CREATED: _("Aid agreement created"),
            EventKind.AID_AGREEMENT_UPDATED: _("Aid agreement changed"),
            EventKind.SHIPMENT_CREATED: _("Donation shipment created"),
            EventKind.SHIPMENT_HANDED_OVER: _("Donation shipment handed over"),
            EventKind.SHIPMENT_FOLLOWED_UP: _("Follow-up from the aid organisation recorded"),
        }
    )
    describe_many(
        {
            EventKind.step_done(step): format_lazy(_("Decommissioning step done: {step}"), step=label)
            for step, label in ChecklistStep.choices
        }
    )
