"""The event log cannot be rewritten: append-only triggers, REPLACE refused, and a verified hash chain."""

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from medtek.core.chain import SQLITE_HASH_FUNCTION, sqlite_canonical
from medtek.core.events import build_event, record_event, record_events
from medtek.core.models import Event
from medtek.organizations.tests.factories import OrganisationFactory

sqlite_only = pytest.mark.skipif("connection.vendor != 'sqlite'")
COLUMNS = "occurred_at, recorded_at, kind, subject_type, subject_id, status, data, message"
REPLACE = (
    f"REPLACE INTO core_event (id, {COLUMNS}) SELECT id, occurred_at, recorded_at, kind, subject_type,"
    " subject_id, status, data, 'forged' FROM core_event WHERE id = %s"
)


def _events(n: int) -> list[Event]:
    org = OrganisationFactory()
    return [record_event(kind="test.happened", subject=org, data={"n": i}) for i in range(n)]


def _chain() -> list[tuple[int, str | None, str]]:
    return list(Event.objects.order_by("seq").values_list("seq", "prev_hash", "hash"))


def _verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify-history", stdout=out)
    return out.getvalue()


def _tamper(*statements: str, event: Event) -> None:
    """Change the log as only its owner (or a superuser) could: with the append-only triggers off."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending before the ALTER
            cur.execute("ALTER TABLE core_event DISABLE TRIGGER USER")
        else:  # DDL is transactional: the test's rollback puts the triggers back
            cur.execute("DROP TRIGGER core_event_no_update")
            cur.execute("DROP TRIGGER core_event_no_delete")
        for sql in statements:
            cur.execute(sql, [event.pk])
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE core_event ENABLE TRIGGER USER")


@pytest.mark.django_db
def test_each_event_carries_the_hash_of_the_one_before_it():
    _events(3)
    rows = _chain()
    assert [seq for seq, _prev, _hash in rows] == [1, 2, 3]
    assert rows[0][1] is None
    assert rows[1][1] == rows[0][2]
    assert rows[2][1] == rows[1][2]
    assert all(len(h) == 64 for _s, _p, h in rows)


@pytest.mark.django_db
def test_bulk_inserted_events_are_chained():
    org = OrganisationFactory()
    record_events(
        (build_event(kind="test.bulk", subject=org, data={"n": i}) for i in range(50)), batch_size=7
    )
    assert [seq for seq, _p, _h in _chain()] == list(range(1, 51))
    assert "50 events" in _verify()


@pytest.mark.django_db
def test_events_written_by_insert_select_are_chained():
    """The importer writes its events with one INSERT … SELECT on PostgreSQL; the database chains them."""
    _events(2)
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO core_event ({COLUMNS}) SELECT occurred_at, recorded_at, 'test.copy', subject_type,"
            " subject_id, '', data, '' FROM core_event"
        )
    assert [seq for seq, _p, _h in _chain()] == [1, 2, 3, 4]
    assert "History unbroken: 4 events" in _verify()


@pytest.mark.django_db
def test_an_event_in_a_rolled_back_savepoint_leaves_no_gap():
    org = OrganisationFactory()
    record_event(kind="test.kept", subject=org)
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(kind="test.undone", subject=org)
        raise RuntimeError
    record_event(kind="test.kept", subject=org)
    assert [seq for seq, _p, _h in _chain()] == [1, 2]
    assert "2 events" in _verify()


@pytest.mark.django_db
def test_verify_history_names_the_event_whose_content_was_changed():
    events = _events(4)
    _tamper("UPDATE core_event SET message = 'forged' WHERE id = %s", event=events[2])
    with pytest.raises(CommandError) as exc:
        _verify()
    assert str(exc.value) == (
        f"History broken at event {events[2].pk} (sequence number 3): it has been changed since it was "
        "recorded (its hash does not match). The 2 events before it are unbroken."
    )


@pytest.mark.django_db
def test_verify_history_names_the_event_after_a_removed_one():
    events = _events(4)
    _tamper("DELETE FROM core_event WHERE id = %s", event=events[1])
    with pytest.raises(CommandError) as exc:
        _verify()
    assert str(exc.value).startswith(
        f"History broken at event {events[2].pk} (sequence number 3): it follows "
    )


@pytest.mark.django_db
def test_verify_history_catches_a_rewritten_event_with_a_recomputed_hash():
    """Recomputing the changed event's own hash does not help: the next event still carries the old one."""
    events = _events(3)
    if connection.vendor == "postgresql":
        rehash = "UPDATE core_event e SET hash = core_event_hash(e) WHERE id = %s"
    else:
        rehash = f"UPDATE core_event SET hash = {SQLITE_HASH_FUNCTION}({sqlite_canonical()}) WHERE id = %s"
    _tamper("UPDATE core_event SET message = 'forged' WHERE id = %s", rehash, event=events[0])
    with pytest.raises(CommandError) as exc:
        _verify()
    assert f"at event {events[1].pk} (sequence number 2): it does not carry the hash" in str(exc.value)


@pytest.mark.django_db
def test_verify_history_of_an_unbroken_log():
    _events(3)
    assert _verify() == "History unbroken: 3 events, each chained to the one before it.\n"


@sqlite_only
@pytest.mark.django_db
def test_sqlite_refuses_replace_into_an_event():
    (event,) = _events(1)
    refused = pytest.raises(DatabaseError, match="cannot be overwritten")
    with refused, transaction.atomic(), connection.cursor() as cur:
        cur.execute(REPLACE, [event.pk])
    assert Event.objects.get(pk=event.pk).message == ""


@sqlite_only
@pytest.mark.django_db
def test_sqlite_replace_fires_the_delete_trigger_on_every_connection():
    """Even without the insert guard, REPLACE's implicit delete meets the delete trigger
    (recursive_triggers is on)."""
    (event,) = _events(1)
    with connection.cursor() as cur:
        cur.execute("PRAGMA recursive_triggers")
        assert cur.fetchone() == (1,)
        cur.execute("DROP TRIGGER core_event_no_overwrite")
    refused = pytest.raises(DatabaseError, match="cannot be deleted")
    with refused, transaction.atomic(), connection.cursor() as cur:
        cur.execute(REPLACE, [event.pk])
    assert Event.objects.get(pk=event.pk).message == ""


@sqlite_only
@pytest.mark.django_db
def test_sqlite_refuses_an_event_that_brings_its_own_chain():
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO core_event ({COLUMNS}, seq, hash)"
            " VALUES ('2026-01-01', '2026-01-01', 'x', 'x', 1, '', '{}', '', 1, 'abc')"
        )


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain(event_log_flushable):
    org = OrganisationFactory()
    errors: list[Exception] = []

    def write() -> None:
        try:
            for i in range(5):
                with transaction.atomic():
                    record_event(kind="test.concurrent", subject=org, data={"i": i})
                    record_event(kind="test.concurrent", subject=org, data={"i": i, "second": True})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert "History unbroken: 80 events" in _verify()
