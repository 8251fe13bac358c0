"""Limits on what a user can upload: one size for every upload path, and an XLSX (a zip) checked before
anything in it is unpacked, so no file can take the server's memory.

`MEDTEK_UPLOAD_MAX_MB` (default 50) bounds every upload, whether through a form or the API;
`MEDTEK_IMPORT_XLSX_MAX_UNPACKED_MB` bounds what an XLSX unpacks to. A zip bomb — a small file that
unpacks to gigabytes — is refused by what its central directory declares, and an entry that unpacks to
more than it declares is caught while it is counted, a megabyte at a time, never held.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MB = 1024 * 1024
_CHUNK = MB
_MAX_ZIP_ENTRIES = 10_000


def upload_max_bytes() -> int:
    """The largest upload accepted, in bytes (setting MEDTEK_UPLOAD_MAX_MB)."""
    return int(settings.MEDTEK["UPLOAD_MAX_MB"]) * MB


def too_large_message() -> str:
    return _("The file is larger than %(limit)s MB; split it into smaller files.") % {
        "limit": settings.MEDTEK["UPLOAD_MAX_MB"]
    }


def check_upload_size(upload: Any) -> None:
    """Refuse an uploaded file over the upload limit (a form field's or an API handler's check)."""
    if (upload.size or 0) > upload_max_bytes():
        raise ValidationError(too_large_message(), code="too_large")


class UnsafeZip(ValueError):
    """An XLSX (zip) file that would unpack to more than the limit, or is not a readable zip."""


def check_zip(stream: IO[bytes], *, max_unpacked: int) -> None:
    """Refuse a zip whose entries unpack to more than `max_unpacked` bytes, before unpacking any.

    The central directory's declared sizes are checked first; then each entry is inflated a megabyte at
    a time and counted, so an entry that declares less than it holds cannot slip through either.
    """
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnsafeZip(
            _("The file is not a readable XLSX (zip) file: %(reason)s") % {"reason": exc}
        ) from exc
    entries = archive.infolist()
    if len(entries) > _MAX_ZIP_ENTRIES:
        raise UnsafeZip(_("The file holds %(n)s parts; an XLSX file has a few dozen.") % {"n": len(entries)})
    declared = sum(info.file_size for info in entries)
    if declared > max_unpacked:
        raise UnsafeZip(_unpacked_message(declared, max_unpacked))
    for info in entries:
        _check_inflated_size(archive, info)
    stream.seek(0)


def _unpacked_message(size: int, limit: int) -> str:
    return _(
        "The file unpacks to %(size)s MB, more than the %(limit)s MB an XLSX import may; "
        "split it or save it as CSV."
    ) % {"size": max(1, size // MB), "limit": limit // MB}


def _unreadable(reason: object) -> UnsafeZip:
    return UnsafeZip(_("The file is not a readable XLSX (zip) file: %(reason)s") % {"reason": reason})


def _forged_message() -> str:
    return _("A part of the file unpacks to more than the file declares; it is not a genuine XLSX file.")


def _check_inflated_size(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse an entry that unpacks to more than it declares, counted without holding it."""
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise UnsafeZip(_forged_message())
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise UnsafeZip(_("The file uses a compression XLSX files do not use."))
    fp = archive.fp
    assert fp is not None
    fp.seek(info.header_offset)
    header = fp.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise UnsafeZip(
            _("The file is not a readable XLSX (zip) file: %(reason)s") % {"reason": info.filename}
        )
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    fp.seek(info.header_offset + 30 + name_length + extra_length)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    left, size = info.compress_size, 0
    try:
        while left > 0:
            data = fp.read(min(_CHUNK, left))
            if not data:
                break
            left -= len(data)
            while data:
                size += len(inflater.decompress(data, _CHUNK))
                if size > info.file_size:
                    raise UnsafeZip(_forged_message())
                data = inflater.unconsumed_tail
    except zlib.error as exc:
        raise UnsafeZip(
            _("The file is not a readable XLSX (zip) file: %(reason)s") % {"reason": exc}
        ) from exc
