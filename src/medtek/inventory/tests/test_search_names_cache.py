"""What a search word names (its device models and placements) is kept in the server process for a few
seconds: a second search for the word reads no names, a name changed in the process is found at once, a
transaction sees its own writes, and other processes' changes are seen once the seconds have passed."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db import transaction

from medtek.inventory import search
from medtek.inventory.models import DeviceModel
from medtek.inventory.tests.factories import DeviceModelFactory

# Outside a test's own transaction, as a request runs: the cache is only read there.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def empty_cache(event_log_flushable: Any) -> Any:
    search._named.clear()
    yield
    search._named.clear()


def test_a_word_searched_again_reads_no_names(django_assert_num_queries: Any) -> None:
    model = DeviceModelFactory(name="Lifepak 20", category="Defibrillator")
    with django_assert_num_queries(1):
        assert search.resolve("defibrillator")[0].model_ids == [model.pk]
    with django_assert_num_queries(0):
        assert search.resolve("defibrillator")[0].model_ids == [model.pk]


def test_a_model_renamed_in_this_process_is_found_by_its_new_name_at_once() -> None:
    model = DeviceModelFactory(name="Lifepak 20", category="Defibrillator")
    assert search.resolve("Lifepak")[0].model_ids == [model.pk]
    model.name = "Corpuls 3"
    model.save()
    assert search.resolve("Lifepak")[0].model_ids == []
    assert search.resolve("Corpuls")[0].model_ids == [model.pk]


def test_a_transaction_sees_the_names_it_wrote_itself() -> None:
    model = DeviceModelFactory(name="Lifepak 20", category="Defibrillator")
    assert search.resolve("Corpuls")[0].model_ids == []
    with transaction.atomic():
        DeviceModel.objects.filter(pk=model.pk).update(name="Corpuls 3")  # a bulk write sends no signal
        assert search.resolve("Corpuls")[0].model_ids == [model.pk]


def test_a_change_made_elsewhere_is_seen_once_the_cache_seconds_have_passed(monkeypatch: Any) -> None:
    monkeypatch.setattr(search._named, "seconds", 0.2)
    model = DeviceModelFactory(name="Lifepak 20", category="Defibrillator")
    assert search.resolve("Corpuls")[0].model_ids == []
    DeviceModel.objects.filter(pk=model.pk).update(name="Corpuls 3")  # as another process would
    assert search.resolve("Corpuls")[0].model_ids == []  # still the kept answer
    time.sleep(0.25)
    assert search.resolve("Corpuls")[0].model_ids == [model.pk]
