"""The text a PDF of medtek's draws, read with pypdf, for tests that check what a user would read."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pdf_text(body: bytes) -> str:
    """Every page's text, in reading order, pages separated by a line break."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
