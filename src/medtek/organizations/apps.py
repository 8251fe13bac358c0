from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "medtek.organizations"
    label = "organizations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from medtek.organizations import events

        events.register()
        from medtek.core.ui import NavItem, register_nav
        from medtek.organizations import login

        login.connect()
        register_nav(NavItem("organizations:organisation_list", _("Organisations"), order=90))
