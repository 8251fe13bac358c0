from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaintenanceConfig(AppConfig):
    name = "medtek.maintenance"
    label = "maintenance"
    verbose_name = _("Maintenance")

    def ready(self) -> None:
        from medtek.maintenance import events

        events.register()
        from medtek.maintenance import jobs

        jobs.register()
        from medtek.core.ui import (
            DeviceLink,
            NavItem,
            Panel,
            register_device_link,
            register_nav,
            register_panel,
        )
        from medtek.inventory.hooks import (
            BULK_PM_INTERVAL,
            BULK_STATUS_GUARDS,
            DEVICES_CHANGED,
            STATUS_GUARDS,
        )
        from medtek.maintenance.panels import work_panel
        from medtek.maintenance.services import (
            keep_failed_out_of_use,
            keep_failed_out_of_use_bulk,
            pm_interval_set_bulk,
            pm_states_for,
        )

        if keep_failed_out_of_use not in STATUS_GUARDS:
            STATUS_GUARDS.append(keep_failed_out_of_use)
        if keep_failed_out_of_use_bulk not in BULK_STATUS_GUARDS:
            BULK_STATUS_GUARDS.append(keep_failed_out_of_use_bulk)
        if pm_interval_set_bulk not in BULK_PM_INTERVAL:
            BULK_PM_INTERVAL.append(pm_interval_set_bulk)
        if pm_states_for not in DEVICES_CHANGED:
            DEVICES_CHANGED.append(pm_states_for)

        register_nav(NavItem("maintenance:my_work", _("My work"), capability="work.do", order=20))
        register_nav(NavItem("maintenance:board", _("Board"), capability="work.do", order=21))
        register_nav(NavItem("maintenance:pm_due", _("PM"), capability="work.do", order=22))
        register_nav(NavItem("maintenance:work_order_list", _("Work orders"), order=23))
        register_nav(NavItem("maintenance:key_figures", _("Key figures"), order=24))
        register_nav(
            NavItem("maintenance:priority_models", _("Priority models"), capability="config.manage", order=92)
        )
        register_panel(Panel("maintenance/_panel_work.html", work_panel, order=20))
        register_device_link(
            DeviceLink(_("Maintenance and work orders"), _device_work_url, capability="view", order=10)
        )
        register_device_link(
            DeviceLink(_("Report a fault or ask for advice"), _report_url, capability="work.report", order=20)
        )


def _device_work_url(device_id: int) -> str:
    from django.urls import reverse

    return reverse("maintenance:device_work", kwargs={"device_id": device_id})


def _report_url(device_id: int) -> str:
    from django.urls import reverse

    return f"{reverse('maintenance:report')}?device={device_id}"
