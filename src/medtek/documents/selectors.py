"""Every read of the documents app; each takes the acting user first."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404

from medtek.documents.choices import TargetType
from medtek.documents.models import Attachment
from medtek.documents.targets import TARGETS, target_get


def attachment_get(*, user: Any, pk: int) -> tuple[Attachment, Any]:
    """A file the user may see, with the object it is attached to: 404 for another tenant's file, exactly
    as for a missing one (the object's own `visible_to` decides)."""
    attachment = Attachment.objects.filter(pk=pk).select_related("uploaded_by").first()
    if attachment is None:
        raise Http404("No attachment matches the given query.")
    target = target_get(user, attachment.target_type, attachment.target_id)
    return attachment, target


def attachments_of(*, user: Any, target_type: str, target: Any) -> list[Attachment]:
    """The files shown on an object's page (the caller has found the object with the user's scope).

    A device's page also shows its model's files (a manual belongs to every device of the model) and the
    files of the device's work orders and surplus items the user may see.
    """
    condition = Q(target_type=target_type, target_id=target.pk)
    if target_type == TargetType.DEVICE:
        condition |= Q(target_type=TargetType.DEVICE_MODEL, target_id=target.model_id)
        for other in (TargetType.WORK_ORDER, TargetType.SURPLUS_ITEM):
            ids = TARGETS[other].visible(user).filter(device_id=target.pk).values("pk")
            condition |= Q(target_type=other, target_id__in=ids)
    return list(
        Attachment.objects.filter(condition, removed_at__isnull=True)
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-id")[:200]
    )
