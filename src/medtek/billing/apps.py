from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "medtek.billing"
    label = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        from medtek.billing import events

        events.register()
        from medtek.billing import jobs

        jobs.register()
        from medtek.billing.services import closed_period_guard
        from medtek.core.ui import NavItem, register_nav
        from medtek.maintenance.hooks import ENTRY_GUARDS

        if closed_period_guard not in ENTRY_GUARDS:
            ENTRY_GUARDS.append(closed_period_guard)
        register_nav(NavItem("billing:invoice_list", _("Invoices"), capability="billing.view", order=50))
        register_nav(NavItem("billing:run_list", _("Billing runs"), capability="billing.manage", order=55))
