from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "medtek.inventory"
    label = "inventory"
    verbose_name = _("Register")

    def ready(self) -> None:
        from medtek.inventory import events

        events.register()
        from medtek.inventory import jobs

        jobs.register()
        from medtek.inventory.search import forget_names_on_change

        forget_names_on_change()
        from medtek.core.ui import NavItem, Panel, register_nav, register_panel
        from medtek.inventory.panels import device_shares_panel

        register_nav(NavItem("inventory:device_list", _("Devices"), order=10))
        register_nav(NavItem("inventory:device_import", _("Import"), capability="register.import", order=15))
        register_panel(Panel("inventory/_panel_shares.html", device_shares_panel, order=10))
