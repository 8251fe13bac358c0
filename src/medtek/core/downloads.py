"""One way to hand the user a file: its type from its name, its name in the header in any language."""

from __future__ import annotations

from pathlib import PurePath

from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xml": "application/xml",
    ".zip": "application/zip",
}


def as_attachment(response: HttpResponseBase, filename: str, *, inline: bool = False) -> HttpResponseBase:
    """Mark a response (a streamed one too) as a file to save under `filename` — or, `inline`, to show
    in the browser — (RFC 6266: a name such as "utvärdering-Östersund.pdf" reaches the browser intact)."""
    disposition = content_disposition_header(not inline, filename)
    assert disposition is not None, "a file always has a name"
    response["Content-Disposition"] = disposition
    return response


def download(content: bytes | str, filename: str, *, inline: bool = False) -> HttpResponse:
    """`content` as a file to save (or, `inline`, to show in the browser), its type from the name's
    extension (.csv, .pdf, .xlsx, .xml, .zip)."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[PurePath(filename).suffix.lower()])
    as_attachment(response, filename, inline=inline)
    return response
