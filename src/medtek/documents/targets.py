"""What a file can be attached to: for each kind of object, how it is found for a user (its app's own
`visible_to`, so a file is seen exactly by those who see its object), who may attach to it, and where it
leads. Nothing here repeats another app's scoping."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import Http404
from django.urls import reverse

from medtek.agreements.models import Agreement
from medtek.billing.models import Invoice
from medtek.decommissioning.models import SurplusItem
from medtek.documents.choices import TargetType
from medtek.inventory.models import Device, DeviceModel
from medtek.maintenance.models import WorkOrder
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for


@dataclass(frozen=True)
class Target:
    kind: str
    model: type[models.Model]
    view_capability: str
    change_capability: str
    org_of: Callable[[Any], int]
    device_of: Callable[[Any], int | None]
    url_name: str
    url_kwarg: str

    def url(self, obj: Any) -> str:
        return reverse(self.url_name, kwargs={self.url_kwarg: obj.pk})

    def visible(self, user: Any, capability: str | None = None) -> Any:
        return self.model.objects.visible_to(user, capability or self.view_capability)  # type: ignore[attr-defined]

    def get(self, user: Any, pk: int, capability: str | None = None) -> Any:
        """The object if `user` may see it (else 404) and act on it with `capability` (else 403)."""
        manager: Any = self.model.objects  # type: ignore[attr-defined]
        return manager.get_visible(user, capability or self.view_capability, pk=pk)

    def require_change(self, user: Any, obj: Any) -> None:
        scope_for(user).require(self.change_capability, self.org_of(obj))


TARGETS: dict[str, Target] = {
    TargetType.DEVICE: Target(
        TargetType.DEVICE,
        Device,
        Cap.VIEW,
        Cap.REGISTER_EDIT,
        lambda d: d.owner_id,
        lambda d: d.pk,
        "inventory:device_detail",
        "device_id",
    ),
    TargetType.WORK_ORDER: Target(
        TargetType.WORK_ORDER,
        WorkOrder,
        Cap.VIEW,
        Cap.WORK_DO,
        lambda w: w.customer_id,
        lambda w: w.device_id,
        "maintenance:work_order_detail",
        "work_order_id",
    ),
    TargetType.SURPLUS_ITEM: Target(
        TargetType.SURPLUS_ITEM,
        SurplusItem,
        Cap.VIEW,
        Cap.WORK_DO,
        lambda i: i.case.organisation_id,
        lambda i: i.device_id,
        "decommissioning:item_detail",
        "item_id",
    ),
    TargetType.AGREEMENT: Target(
        TargetType.AGREEMENT,
        Agreement,
        Cap.AGREEMENT_VIEW,
        Cap.AGREEMENT_MANAGE,
        lambda a: a.provider_id,
        lambda a: None,
        "agreements:agreement_detail",
        "agreement_id",
    ),
    TargetType.INVOICE: Target(
        TargetType.INVOICE,
        Invoice,
        Cap.BILLING_VIEW,
        Cap.BILLING_MANAGE,
        lambda i: i.provider_id,
        lambda i: None,
        "billing:invoice_detail",
        "invoice_id",
    ),
}
TARGET_OF_MODEL = {
    "inventory.device": TargetType.DEVICE,
    "maintenance.workorder": TargetType.WORK_ORDER,
    "decommissioning.surplusitem": TargetType.SURPLUS_ITEM,
    "agreements.agreement": TargetType.AGREEMENT,
    "billing.invoice": TargetType.INVOICE,
}


def model_visible_to(user: Any, model_id: int) -> bool:
    """A device model's files (its manuals) are seen by whoever sees a device of the model."""
    return Device.objects.visible_to(user).filter(model_id=model_id).exists()


def target_get(user: Any, target_type: str, target_id: int) -> Any:
    """The object a file is attached to, if the user may see it; Http404 otherwise."""
    if target_type == TargetType.DEVICE_MODEL:
        if not model_visible_to(user, target_id):
            raise Http404("No device model matches the given query.")
        return DeviceModel.objects.get(pk=target_id)
    target = TARGETS.get(target_type)
    if target is None:
        raise Http404("Unknown attachment target.")
    return target.get(user, target_id)
