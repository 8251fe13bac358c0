import pytest
from django.db import DatabaseError, connection, transaction

from medtek.core.events import record_event
from medtek.core.models import AppendOnlyError, Event
from medtek.organizations.tests.factories import OrganisationFactory


@pytest.fixture
def event(db):
    return record_event(kind="test.happened", subject=OrganisationFactory(), data={"x": 1})


def test_an_event_cannot_be_changed_through_the_model(event):
    event.message = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()


def test_an_event_cannot_be_deleted_through_the_model(event):
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_events_cannot_be_updated_or_deleted_in_bulk(event):
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).update(message="x")
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).delete()


def test_the_database_refuses_to_update_an_event_behind_the_code(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE core_event SET message = 'forged' WHERE id = %s", [event.pk])
    assert Event.objects.get(pk=event.pk).message == ""


def test_the_database_refuses_to_delete_an_event_behind_the_code(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM core_event WHERE id = %s", [event.pk])
    assert Event.objects.filter(pk=event.pk).exists()
