from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "medtek.jobs"
    label = "jobs"
    verbose_name = _("Runs")

    def ready(self) -> None:
        from medtek.core.ui import NavItem, register_nav

        register_nav(NavItem("jobs:job_list", _("My runs"), order=95))
