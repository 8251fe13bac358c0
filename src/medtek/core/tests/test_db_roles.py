"""PostgreSQL: the role the application runs as may read and append to the event log, nothing else."""

import os

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.skipif("connection.vendor != 'postgresql'")

APP_ROLE = os.environ.get("MEDTEK_APP_ROLE", "medtek_app")
REFUSED = [
    "UPDATE core_event SET message = 'forged'",
    "DELETE FROM core_event",
    "TRUNCATE core_event",
    "ALTER TABLE core_event DISABLE TRIGGER core_event_no_update",
    "ALTER TABLE core_event DISABLE TRIGGER ALL",
    "DROP TRIGGER core_event_no_update ON core_event",
]


@pytest.fixture
def app_connection(event_log_flushable):
    """The migrated test database, granted as `medtek db-roles --apply` does, opened as the app role."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE])
        if cursor.fetchone() is None:
            cursor.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
            if not cursor.fetchone()[0]:
                pytest.skip(f"no role {APP_ROLE} (.ci/run creates it) and no right to create it")
            cursor.execute(f'CREATE ROLE "{APP_ROLE}" LOGIN')
    call_command("db-roles", "--apply", app_role=APP_ROLE)
    settings = connection.settings_dict
    conn = psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        dbname=settings["NAME"],
        user=APP_ROLE,
        autocommit=True,
    )
    yield conn
    conn.close()


INSERT = (
    "INSERT INTO core_event (occurred_at, recorded_at, kind, subject_type, subject_id, status, data, message)"
    " VALUES (now(), now(), 'test.as_app', 'test', 1, '', '{}', '') RETURNING seq, hash"
)


@pytest.mark.django_db(transaction=True)
def test_the_app_role_appends_to_the_event_log_and_does_ordinary_work(app_connection):
    seq, digest = app_connection.execute(INSERT).fetchone()
    assert seq == 1
    assert len(digest) == 64
    assert app_connection.execute("SELECT count(*) FROM core_event").fetchone() == (1,)
    app_connection.execute("DELETE FROM django_session")  # other tables as usual


@pytest.mark.django_db(transaction=True)
def test_the_app_role_can_neither_change_nor_unprotect_the_event_log(app_connection):
    app_connection.execute(INSERT)
    allowed = []
    for sql in REFUSED:
        try:
            app_connection.execute(sql)
            allowed.append(sql)
        except psycopg.errors.InsufficientPrivilege:
            pass
    assert allowed == []
    assert app_connection.execute("SELECT count(*), min(message) FROM core_event").fetchone() == (1, "")
