"""The attachment box on the pages of devices, work orders, surplus items, agreements and invoices, and the
label box on a device's page (registered on core.ui's object panels, so those pages import nothing here)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from medtek.documents import selectors
from medtek.documents.choices import LabelFormat, TargetType
from medtek.documents.forms import AttachmentForm
from medtek.documents.targets import TARGET_OF_MODEL, TARGETS
from medtek.organizations.scoping import scope_for

UPLOAD_URLS = {
    TargetType.DEVICE: "documents:device_upload",
    TargetType.WORK_ORDER: "documents:work_order_upload",
    TargetType.SURPLUS_ITEM: "documents:item_upload",
    TargetType.AGREEMENT: "documents:agreement_upload",
    TargetType.INVOICE: "documents:invoice_upload",
}
URL_KWARGS = {
    TargetType.DEVICE: "device_id",
    TargetType.WORK_ORDER: "work_order_id",
    TargetType.SURPLUS_ITEM: "item_id",
    TargetType.AGREEMENT: "agreement_id",
    TargetType.INVOICE: "invoice_id",
}


def step_choices(target_type: str, obj: Any) -> list[tuple[str, str]]:
    if target_type != TargetType.SURPLUS_ITEM:
        return []
    from medtek.decommissioning.choices import ChecklistStep

    return [(str(value), str(label)) for value, label in ChecklistStep.choices]


def panel_context(request: HttpRequest, obj: Any, form: AttachmentForm | None = None) -> dict[str, Any]:
    label = f"{obj._meta.app_label}.{obj._meta.model_name}"
    target_type = TARGET_OF_MODEL[label]
    target = TARGETS[target_type]
    can_change = scope_for(request.user).can(target.change_capability, target.org_of(obj))
    return {
        "target_type": target_type,
        "object": obj,
        "attachments": selectors.attachments_of(user=request.user, target_type=target_type, target=obj),
        "can_change": can_change,
        "form": form
        or (
            AttachmentForm(target_type=target_type, step_choices=step_choices(target_type, obj))
            if can_change
            else None
        ),
        "upload_url": reverse(UPLOAD_URLS[target_type], kwargs={URL_KWARGS[target_type]: obj.pk}),
        "camera": target_type == TargetType.WORK_ORDER and can_change,
    }


def attachment_panel(request: HttpRequest, obj: Any) -> dict[str, Any] | None:
    return panel_context(request, obj)


def label_panel(request: HttpRequest, device: Any) -> dict[str, Any] | None:
    return {
        "device": device,
        "formats": LabelFormat.choices,
        "qr_url": reverse("documents:device_qr", kwargs={"device_id": device.pk}),
        "label_url": reverse("documents:device_label", kwargs={"device_id": device.pk}),
    }
