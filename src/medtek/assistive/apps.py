from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistiveConfig(AppConfig):
    name = "medtek.assistive"
    label = "assistive"
    verbose_name = _("Assistive devices (HMC)")

    def ready(self) -> None:
        from medtek.assistive import events

        events.register()
        from medtek.assistive.billing import assistive_run
        from medtek.assistive.services import back_in_stock_after_work, loan_status_guard
        from medtek.billing.runs import register_run
        from medtek.core.ui import NavItem, register_nav
        from medtek.inventory.hooks import STATUS_GUARDS
        from medtek.maintenance.hooks import WORK_JUDGED

        if loan_status_guard not in STATUS_GUARDS:
            STATUS_GUARDS.append(loan_status_guard)
        if back_in_stock_after_work not in WORK_JUDGED:
            WORK_JUDGED.append(back_in_stock_after_work)
        register_run("assistive", assistive_run)
        register_nav(
            NavItem("assistive:overview", _("Assistive devices"), capability="assistive.manage", order=55)
        )
        register_nav(
            NavItem("assistive:my_loans", _("Prescriptions"), capability="assistive.prescribe", order=56)
        )
        register_nav(
            NavItem("assistive:billing", _("Assistive-device rent"), capability="billing.manage", order=57)
        )
