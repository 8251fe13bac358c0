"""Streamed downloads that fail before their first byte, or end with a row saying they failed.

A streamed response sends its status line with the first chunk; an error after that can only cut the
file short, which a client takes for a complete (if short) file. So the first chunks — the header and
the first rows, which run the first query — are produced before the response starts, where a failure
is still an ordinary error response; a later failure ends the file with a row that says so.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def primed_stream(
    chunks: Iterable[bytes], *, first: int = 2, error_row: bytes | None = None
) -> Iterator[bytes]:
    """`chunks` with its `first` chunks produced now (raising now if they fail).

    A failure later is logged and, with `error_row`, ends the stream with that row instead of cutting it.
    """
    iterator = iter(chunks)
    head = list(itertools.islice(iterator, first))
    return _rest(head, iterator, error_row)


def _rest(head: list[bytes], iterator: Iterator[bytes], error_row: bytes | None) -> Iterator[bytes]:
    yield from head
    try:
        yield from iterator
    except Exception:
        logger.exception("A streamed download failed after it had started")
        if error_row is None:
            raise
        yield error_row


def stream_failed_row() -> bytes:
    """The last line of a text download that failed part-way (in the user's language)."""
    return ("\r\n" + _("The export stopped because of an error; this file is incomplete.") + "\r\n").encode()
