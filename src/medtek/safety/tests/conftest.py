from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_messages() -> Iterator[None]:
    """Services and rules speak English here, so tests assert the messages as written in the code;
    the pages' Swedish is asserted through the client, which chooses its own language."""
    with translation.override("en"):
        yield
