"""Pure rules for attachments and labels: which files are allowed, judged by their bytes, never their name."""

from __future__ import annotations

from pathlib import PurePosixPath

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Content type (from the bytes) -> the file name endings that may claim it.
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/png": ("png",),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "image/heic": ("heic", "heif"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("pptx",),
    "application/vnd.oasis.opendocument.text": ("odt",),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods",),
    "application/vnd.oasis.opendocument.presentation": ("odp",),
    "application/msword": ("doc",),
    "application/vnd.ms-excel": ("xls",),
    "application/vnd.ms-powerpoint": ("ppt",),
    "text/plain": ("txt", "csv", "log"),
}
ALLOWED_ENDINGS = sorted({ending for endings in ALLOWED_TYPES.values() for ending in endings})
# What a person reads for each ending's family, in the refusal.
_FAMILY = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WebP",
    "image/heic": "HEIC",
    "text/plain": "text",
}
SNIFF_BYTES = 8192
MAX_NAME = 200
# A label sheet holds at most this many devices; a larger selection is refused, not cut short.
MAX_LABELS = 1000


def ending_of(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).suffix.lower().lstrip(".")


def clean_name(name: str) -> str:
    """The file's own name without any folder part, at most MAX_NAME characters (keeping its ending)."""
    base = PurePosixPath(name.replace("\\", "/")).name.replace("\x00", "").strip() or "file"
    if len(base) > MAX_NAME:
        ending = ending_of(base)
        base = base[: MAX_NAME - len(ending) - 1] + ("." + ending if ending else "")
    return base


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sniffed part is still text.
        if exc.start < len(head) - 3:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return False
    return True


def sniff(head: bytes) -> str:
    """The content type the first bytes of a file show; "" when they show none we know."""
    kind = filetype.guess_mime(head[:SNIFF_BYTES])
    if kind:
        return str(kind)
    if head and _looks_like_text(head[:SNIFF_BYTES]):
        return "text/plain"
    return ""


def family(content_type: str) -> str:
    return _FAMILY.get(content_type, content_type or _("unknown content"))


def check_file(*, name: str, head: bytes, size: int, max_bytes: int) -> str:
    """The content type of an acceptable file, or ValidationError naming why it is refused.

    Refused: an empty file, one over the size limit, a name ending that is not allowed, content of a type
    that is not allowed, and content that does not match the name's ending (a program named .pdf).
    """
    if size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s MB, more than the %(limit)s MB an attachment may be.")
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": max_bytes // (1024 * 1024)},
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    ending = ending_of(name)
    if ending not in ALLOWED_ENDINGS:
        raise ValidationError(
            _("Files of type .%(ending)s may not be attached (allowed: PDF, images, office files, text).")
            % {"ending": ending or "?"},
            code="type_not_allowed",
        )
    content_type = sniff(head)
    if content_type not in ALLOWED_TYPES:
        raise ValidationError(
            _("The content of the file (%(found)s) is not a type that may be attached.")
            % {"found": content_type or _("unknown content")},
            code="type_not_allowed",
        )
    if ending not in ALLOWED_TYPES[content_type]:
        raise ValidationError(
            _("The file is named .%(ending)s but its content is %(found)s; it is not what its name says.")
            % {"ending": ending, "found": family(content_type)},
            code="content_mismatch",
        )
    return content_type


def label_count_refusal(count: int, limit: int | None = None) -> str:
    """Why a label sheet for `count` devices is refused, or "" when it may be made."""
    limit = MAX_LABELS if limit is None else limit
    if count == 0:
        return _("No devices match the selection; there is nothing to print.")
    if count > limit:
        return _(
            "The selection holds %(count)s devices; a label sheet holds at most %(limit)s. "
            "Narrow the selection (owner, placement, model, status) and print in parts."
        ) % {"count": f"{count:,}".replace(",", " "), "limit": f"{limit:,}".replace(",", " ")}
    return ""
