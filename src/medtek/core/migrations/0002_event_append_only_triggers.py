"""Database triggers that refuse UPDATE and DELETE on the event log, whatever code runs."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER core_event_no_update BEFORE UPDATE ON core_event
       BEGIN SELECT RAISE(ABORT, 'core_event is append-only: events cannot be updated'); END;""",
    """CREATE TRIGGER core_event_no_delete BEFORE DELETE ON core_event
       BEGIN SELECT RAISE(ABORT, 'core_event is append-only: events cannot be deleted'); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS core_event_no_update;", "DROP TRIGGER IF EXISTS core_event_no_delete;"]

POSTGRES = [
    """CREATE OR REPLACE FUNCTION core_event_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'core_event is append-only: events cannot be %', lower(TG_OP) || 'd'; END;
       $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER core_event_no_update BEFORE UPDATE OR DELETE ON core_event
       FOR EACH ROW EXECUTE FUNCTION core_event_append_only();""",
    """CREATE TRIGGER core_event_no_truncate BEFORE TRUNCATE ON core_event
       FOR EACH STATEMENT EXECUTE FUNCTION core_event_append_only();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS core_event_no_update ON core_event;",
    "DROP TRIGGER IF EXISTS core_event_no_truncate ON core_event;",
    "DROP FUNCTION IF EXISTS core_event_append_only();",
]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    statements = POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    for sql in statements:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
