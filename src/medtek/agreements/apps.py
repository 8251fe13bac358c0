from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "medtek.agreements"
    label = "agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        from medtek.agreements import events

        events.register()
        from medtek.agreements.panels import monitoring_device_panel, notice_deadlines_panel
        from medtek.core.ui import (
            NavItem,
            ObjectPanel,
            Panel,
            register_nav,
            register_object_panel,
            register_panel,
        )

        register_nav(
            NavItem("agreements:agreement_list", _("Agreements"), capability="agreement.view", order=40)
        )
        register_panel(Panel("agreements/_panel_deadlines.html", notice_deadlines_panel, order=20))
        register_object_panel(
            "inventory.device",
            ObjectPanel("agreements/_device_monitoring.html", monitoring_device_panel, order=70),
        )
