"""Files attached to devices, models, work orders, surplus items, agreements and invoices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from medtek.documents.choices import AttachmentKind, TargetType


class Attachment(models.Model):
    """One stored file and what it belongs to; its bytes live in the "attachments" storage under `key`.

    Never served from a public URL: a download resolves the object it is attached to through that object's
    `visible_to`. Removing it is soft (who, when, why), recorded as an event; the bytes stay for the record.
    """

    target_type = models.CharField(_("attached to"), max_length=16, choices=TargetType.choices)
    target_id = models.PositiveBigIntegerField()
    # The device the file concerns (the device itself, a work order's or a surplus item's device), so a
    # device page lists photos and reports from its work too; empty for models, agreements and invoices.
    device_id_hint = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    step = models.CharField(_("checklist step"), max_length=32, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=AttachmentKind.choices)
    name = models.CharField(_("name"), max_length=200)
    key = models.CharField(max_length=255, unique=True)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=120)
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"))
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removal_reason = models.CharField(_("reason for removal"), max_length=300, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("attachment")
        indexes = [models.Index(fields=["target_type", "target_id"], name="attachment_target")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/") and self.content_type != "image/heic"
