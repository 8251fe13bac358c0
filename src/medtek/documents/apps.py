from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "medtek.documents"
    label = "documents"
    verbose_name = _("Documents and labels")

    def ready(self) -> None:
        from medtek.documents import events

        events.register()
        from medtek.decommissioning.hooks import STEP_GUARDS
        from medtek.documents.services import certificate_guard

        if certificate_guard not in STEP_GUARDS:
            STEP_GUARDS.append(certificate_guard)
        from medtek.core.ui import ListLink, ObjectPanel, register_list_link, register_object_panel
        from medtek.documents import panels
        from medtek.documents.targets import TARGET_OF_MODEL

        for label in TARGET_OF_MODEL:
            register_object_panel(
                label, ObjectPanel("documents/_panel.html", panels.attachment_panel, order=60)
            )
        register_object_panel(
            "inventory.device", ObjectPanel("documents/_label_panel.html", panels.label_panel, order=61)
        )
        register_list_link("inventory.device_list", ListLink(_("Print labels"), "documents:label_sheet"))
