"""The text a PDF of medtek's (fpdf2, a core font) draws, for tests that read what a user would."""

from __future__ import annotations

import re
import zlib

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
SHOWN = re.compile(r"\((.*?)(?<!\\)\) ?Tj")


def pdf_text(body: bytes) -> str:
    """Each string the PDF's pages draw, one a line (fpdf2 draws a cell's line as one string)."""
    drawn: list[str] = []
    for stream in STREAM.findall(body):
        try:
            content = zlib.decompress(stream).decode("latin-1")
        except zlib.error:
            continue
        drawn += SHOWN.findall(content)
    return "\n".join(t.replace("\\(", "(").replace("\\)", ")").replace("\\\\", "\\") for t in drawn)
