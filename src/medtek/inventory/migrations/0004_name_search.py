"""Device search resolves words against the names of models, manufacturers, device types and placements
(`UPPER(col) LIKE '%word%'`, Django's icontains): on PostgreSQL trigram indexes answer that on those small
tables. pg_trgm is a trusted extension (the database owner may create it); where it cannot be created the
search still works, reading the small tables whole."""

from django.db import migrations, transaction

TRIGRAM_INDEXES = {
    "inventory_devicemodel_name_trgm": ("inventory_devicemodel", "name"),
    "inventory_devicemodel_category_trgm": ("inventory_devicemodel", "category"),
    "inventory_manufacturer_name_trgm": ("inventory_manufacturer", "name"),
    "organizations_location_name_trgm": ("organizations_location", "name"),
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # no right to create extensions here: the search reads the small tables whole
        return
    for name, (table, column) in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in TRIGRAM_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0003_drop_redundant_indexes"),
        ("organizations", "0001_initial"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
