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


def as_attachment(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    """Mark a response (a streamed one too) as a file to save under `filename` (RFC 6266: a name
    such as "utvärdering-Östersund.pdf" reaches the browser intact)."""
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def download(content: bytes | str, filename: str) -> HttpResponse:
    """`content` as a file to save, its type from the name's extension (.csv, .pdf, .xlsx, .xml, .zip)."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[PurePath(filename).suffix.lower()])
    as_attachment(response, filename)
    return response
