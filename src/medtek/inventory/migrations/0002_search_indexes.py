"""Prefix search on asset and serial numbers uses UPPER(col) LIKE 'X%'; on PostgreSQL that needs
pattern-ops indexes on the same expression (SQLite uses the plain expression index)."""

from django.db import migrations

POSTGRES = [
    "CREATE INDEX IF NOT EXISTS device_asset_upper_pattern ON inventory_device "
    "(UPPER(asset_number::text) varchar_pattern_ops);",
    "CREATE INDEX IF NOT EXISTS device_serial_upper_pattern ON inventory_device "
    "(UPPER(serial_number::text) varchar_pattern_ops);",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS device_asset_upper_pattern;")
        schema_editor.execute("DROP INDEX IF EXISTS device_serial_upper_pattern;")


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
