"""A search word that is a placement's code (`UPPER(code) = UPPER(word)`, Django's iexact) is answered by
an index on PostgreSQL, beside the trigram index of the placement's name: together the planner reads
both as one bitmap instead of reading every placement of the region for each word."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS organizations_location_code_upper "
            "ON organizations_location (UPPER(code::text))"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS organizations_location_code_upper")


class Migration(migrations.Migration):
    dependencies = [("inventory", "0006_kept_counts")]
    operations = [migrations.RunPython(forwards, backwards)]
