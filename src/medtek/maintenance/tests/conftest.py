from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Tests assert the English source messages (the UI default is Swedish)."""
    with translation.override("en"):
        yield
