from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DecommissioningConfig(AppConfig):
    name = "medtek.decommissioning"
    label = "decommissioning"
    verbose_name = _("Surplus and decommissioning")

    def ready(self) -> None:
        from medtek.decommissioning import events

        events.register()
        from medtek.core.ui import (
            DeviceLink,
            NavItem,
            Panel,
            register_device_link,
            register_nav,
            register_panel,
        )
        from medtek.decommissioning.panels import surplus_panel

        register_nav(
            NavItem(
                "decommissioning:overview",
                pgettext_lazy("menu", "Surplus"),
                capability="surplus.register",
                order=60,
            )
        )
        register_nav(
            NavItem("decommissioning:donation_report", _("Donations"), capability="surplus.decide", order=62)
        )
        register_nav(
            NavItem(
                "decommissioning:fixed_asset_disposals",
                _("Fixed-asset disposals"),
                capability="billing.view",
                order=63,
            )
        )
        register_panel(Panel("decommissioning/_panel.html", surplus_panel, order=60))
        register_device_link(
            DeviceLink(
                _("Register as surplus"), _register_surplus_url, capability="surplus.register", order=60
            )
        )


def _register_surplus_url(device_id: int) -> str:
    from urllib.parse import urlencode

    from django.urls import reverse

    return f"{reverse('decommissioning:case_new')}?{urlencode({'device': device_id})}"
