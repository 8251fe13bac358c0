"""The event log's hash chain (core/chain.py), and on SQLite a log that REPLACE INTO cannot overwrite."""

from importlib import import_module

from django.db import migrations, models

from medtek.core import chain

STATE_INDEX = import_module("medtek.core.migrations.0003_event_device_state_index")
OLD_TRIGGERS = import_module("medtek.core.migrations.0002_event_append_only_triggers")


def forwards(apps, schema_editor):
    chain.install(schema_editor)
    if schema_editor.connection.vendor == "sqlite":  # the unique seq rebuilt the table, without its index
        schema_editor.execute(STATE_INDEX.SQLITE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in chain.PG_UNINSTALL:
            schema_editor.execute(sql, params=None)
        return
    for sql in [*chain.SQLITE_UNINSTALL, *OLD_TRIGGERS.SQLITE]:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_event_indexes_for_writing")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="seq",
            field=models.BigIntegerField(blank=True, editable=False, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="event",
            name="prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="event",
            name="hash",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(forwards, backwards),
    ]
