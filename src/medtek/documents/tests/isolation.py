"""Objects of another tenant for the generated isolation tests (tests/test_isolation.py)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from medtek.inventory.tests.factories import DeviceFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _attachment_id(world: Any, org: Any) -> int:
    from medtek.documents import services

    device = DeviceFactory(owner=org)
    return int(
        services.attachment_add(
            user=world.superuser,
            target_type="device",
            target=device,
            upload=SimpleUploadedFile("manual.pdf", PDF, content_type="application/pdf"),
            kind="manual",
        ).pk
    )


FOREIGN = {"attachment_id": _attachment_id}
