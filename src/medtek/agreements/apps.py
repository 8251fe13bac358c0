from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "medtek.agreements"
    label = "agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        from medtek.agreements import events

        events.register()
        from medtek.agreements.panels import notice_deadlines_panel
        from medtek.core.ui import (
            DeviceLink,
            NavItem,
            Panel,
            register_device_link,
            register_nav,
            register_panel,
        )

        register_nav(
            NavItem("agreements:agreement_list", _("Agreements"), capability="agreement.view", order=40)
        )
        register_panel(Panel("agreements/_panel_deadlines.html", notice_deadlines_panel, order=20))
        register_device_link(
            DeviceLink(
                _("Separate agreements"), _device_monitoring_url, capability="agreement.view", order=70
            )
        )


def _device_monitoring_url(device_id: int) -> str:
    from django.urls import reverse

    return reverse("agreements:device_monitoring", kwargs={"device_id": device_id})
