"""Every write of the documents app: attach a file, remove one (soft), and the evidence guard."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medtek.core.events import record_event
from medtek.core.uploads import upload_max_bytes
from medtek.documents import rules
from medtek.documents.choices import AttachmentKind, EventKind, TargetType
from medtek.documents.models import Attachment
from medtek.documents.storage import attachment_storage, new_key
from medtek.documents.targets import TARGETS

MB = 1024 * 1024
_CHUNK = MB


def attachment_max_bytes() -> int:
    """The attachment limit (MEDTEK_ATTACHMENT_MAX_MB), never above the limit of every upload."""
    return min(int(settings.MEDTEK["ATTACHMENT_MAX_MB"]) * MB, upload_max_bytes())


def _read_head(upload: Any) -> bytes:
    upload.seek(0)
    head = upload.read(rules.SNIFF_BYTES)
    upload.seek(0)
    return bytes(head)


def _digest(upload: Any) -> str:
    sha = hashlib.sha256()
    upload.seek(0)
    for chunk in (
        upload.chunks(_CHUNK) if hasattr(upload, "chunks") else iter(lambda: upload.read(_CHUNK), b"")
    ):
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


def _device_snapshot(device_id: int | None) -> dict[str, Any] | None:
    if device_id is None:
        return None
    from medtek.inventory.models import Device
    from medtek.inventory.rules import LEFT_REGISTER

    device = Device.objects.filter(pk=device_id).values("pk", "owner_id", "location_id", "status").first()
    if device is None:
        return None
    return {
        "device_id": device["pk"],
        "owner_id": device["owner_id"],
        "location_id": device["location_id"],
        "status": device["status"],
        "in_register": device["status"] not in LEFT_REGISTER,
    }


@transaction.atomic
def attachment_add(
    *,
    user: Any,
    target_type: str,
    target: Any,
    upload: Any,
    kind: str,
    step: str = "",
    device_id: int | None = None,
) -> Attachment:
    """Store one file attached to `target` (which the caller found with the user's scope and checked the
    user may change); the content type is read from the bytes, and a file the rules refuse is not stored.

    A device model is attached to through one of its devices (`device_id`), whose owner's staff may do it.
    """
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": _("Choose what kind of file this is.")})
    name = rules.clean_name(str(getattr(upload, "name", "") or "file"))
    size = int(getattr(upload, "size", 0) or 0)
    try:
        content_type = rules.check_file(
            name=name, head=_read_head(upload), size=size, max_bytes=attachment_max_bytes()
        )
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    hint = device_id if target_type == TargetType.DEVICE_MODEL else TARGETS[target_type].device_of(target)
    sha256 = _digest(upload)
    key = new_key()
    stored = attachment_storage().save(key, upload)
    # If the database write fails after the bytes are stored, the bytes go too: nothing half-written.
    try:
        attachment = Attachment(
            target_type=target_type,
            target_id=target.pk,
            device_id_hint=hint,
            step=step,
            kind=kind,
            name=name,
            key=stored,
            size=size,
            content_type=content_type,
            sha256=sha256,
            uploaded_by=user,
            uploaded_at=timezone.now(),
        )
        attachment.full_clean()
        attachment.save()
        record_event(
            kind=EventKind.ATTACHED,
            subject=attachment,
            actor=user,
            data={
                "target": target_type,
                "target_id": target.pk,
                "name": name,
                "kind": kind,
                "size": size,
                "content_type": content_type,
                "sha256": sha256,
            },
            message=name,
            device_snapshot=_device_snapshot(hint),
        )
    except BaseException:
        attachment_storage().delete(stored)
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, user: Any, attachment: Attachment, reason: str = "") -> Attachment:
    """Remove a file from its object's page (soft: it stays stored, with who removed it, when and why)."""
    locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if locked.removed_at is not None:
        raise ValidationError(_("The file has already been removed."))
    locked.removed_at = timezone.now()
    locked.removed_by = user
    locked.removal_reason = reason.strip()[:300]
    locked.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    record_event(
        kind=EventKind.REMOVED,
        subject=locked,
        actor=user,
        data={"target": locked.target_type, "target_id": locked.target_id, "name": locked.name},
        message=locked.removal_reason or locked.name,
        device_snapshot=_device_snapshot(locked.device_id_hint),
    )
    return locked


def certificate_guard(item: Any, step: str, evidence: Mapping[str, Any]) -> None:
    """The wipe of patient data by a method that gives a certificate is ticked only with the certificate
    attached to the item (decommissioning's step guard)."""
    from medtek.decommissioning.rules import needs_certificate

    if not needs_certificate(step, dict(evidence)):
        return
    has_certificate = Attachment.objects.filter(
        target_type=TargetType.SURPLUS_ITEM,
        target_id=item.pk,
        kind=AttachmentKind.CERTIFICATE,
        removed_at__isnull=True,
    ).exists()
    if not has_certificate:
        raise ValidationError(
            {
                "wipe_method": _(
                    "The wiping method gives a certificate: attach it to the item (kind: certificate) "
                    "before the step is recorded."
                )
            }
        )
