"""The register's owner column keeps PostgreSQL's default statistics target (100), whatever the server's
`default_statistics_target` says.

Every list and search a user opens filters on `owner_id = ANY(<the scope's organisations>)`, and the
planner estimates that array element by element against the column's most common values. With
`default_statistics_target = 1000` an MT admin's search (300 organisations) took 15–20 ms to plan instead
of 3 (1,000,000 devices); the estimates the searches' plans need do not get better with more values."""

from typing import Any

from django.db import migrations


def pin(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE inventory_device ALTER COLUMN owner_id SET STATISTICS 100")


def unpin(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE inventory_device ALTER COLUMN owner_id SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("inventory", "0007_location_code_search")]

    operations = [migrations.RunPython(pin, unpin)]
