"""A covering index for "each device's latest event before a moment", the register's as-of queries.

With the owner and the in-register flag in the index, counting a million devices as of a date is one
index-only probe per device instead of a sort of the whole event log. PostgreSQL keeps them as INCLUDE
columns; SQLite, which has none, as trailing key columns.
"""

from django.db import migrations

POSTGRES = """CREATE INDEX IF NOT EXISTS core_event_device_state ON core_event (device_id, occurred_at, id)
              INCLUDE (owner_id, in_register) WHERE device_id IS NOT NULL"""
SQLITE = """CREATE INDEX IF NOT EXISTS core_event_device_state
            ON core_event (device_id, occurred_at, id, owner_id, in_register) WHERE device_id IS NOT NULL"""


def forwards(apps, schema_editor):
    sql = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS core_event_device_state", params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_event_append_only_triggers")]

    operations = [migrations.RunPython(forwards, backwards)]
