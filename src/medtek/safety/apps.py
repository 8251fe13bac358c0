from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "medtek.safety"
    label = "safety"
    verbose_name = _("Field safety notices and incidents")

    def ready(self) -> None:
        from medtek.safety import events

        events.register()
        from medtek.core.events import on_event
        from medtek.core.ui import (
            DeviceLink,
            NavItem,
            Panel,
            register_device_link,
            register_nav,
            register_panel,
        )
        from medtek.maintenance.choices import EventKind as WorkEvent
        from medtek.safety.panels import safety_panel
        from medtek.safety.services import work_order_finished

        # A notice closes by itself when the corrective work order that was its last step is finished.
        on_event(WorkEvent.WO_DONE, work_order_finished)
        on_event(WorkEvent.WO_CLOSED, work_order_finished)

        register_nav(NavItem("safety:notice_list", _("Safety notices"), capability="view", order=50))
        register_nav(NavItem("safety:incident_list", _("Incidents"), capability="view", order=51))
        register_panel(Panel("safety/_panel.html", safety_panel, order=50))
        register_device_link(
            DeviceLink(_("Safety notices and incidents"), _device_url, capability="view", order=50)
        )
        register_device_link(
            DeviceLink(_("Report an incident"), _incident_url, capability="work.report", order=51)
        )


def _device_url(device_id: int) -> str:
    from django.urls import reverse

    return reverse("safety:device_safety", kwargs={"device_id": device_id})


def _incident_url(device_id: int) -> str:
    from django.urls import reverse

    return f"{reverse('safety:incident_new')}?device={device_id}"
