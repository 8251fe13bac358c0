"""The organisation graph's version, counted up by triggers on every change of parents or provider links."""

from typing import Any

from django.db import migrations, models

GRAPH = "organizations_organisationgraph"
ORG = "organizations_organisation"
LINKS = "organizations_organisation_providers"

# One row (id 1); an upsert, so the count also starts again after a test run's flush emptied the table.
BUMP_POSTGRES = f"""
CREATE FUNCTION organizations_graph_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {GRAPH} (id, version, nonce) VALUES (1, 1, floor(random() * 9e15)::bigint)
    ON CONFLICT (id) DO UPDATE SET version = {GRAPH}.version + 1, nonce = EXCLUDED.nonce;
    RETURN NULL;
END $$;
CREATE TRIGGER organisation_graph_rows AFTER INSERT OR DELETE ON {ORG}
    FOR EACH STATEMENT EXECUTE FUNCTION organizations_graph_bump();
CREATE TRIGGER organisation_graph_parent AFTER UPDATE OF parent_id ON {ORG}
    FOR EACH ROW WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id) EXECUTE FUNCTION organizations_graph_bump();
CREATE TRIGGER organisation_graph_links AFTER INSERT OR DELETE OR UPDATE ON {LINKS}
    FOR EACH STATEMENT EXECUTE FUNCTION organizations_graph_bump();
"""
UNBUMP_POSTGRES = f"""
DROP TRIGGER organisation_graph_rows ON {ORG};
DROP TRIGGER organisation_graph_parent ON {ORG};
DROP TRIGGER organisation_graph_links ON {LINKS};
DROP FUNCTION organizations_graph_bump();
"""

SQLITE_UPSERT = (
    f"INSERT INTO {GRAPH} (id, version, nonce) VALUES (1, 1, random()) "
    "ON CONFLICT (id) DO UPDATE SET version = version + 1, nonce = excluded.nonce;"
)
SQLITE_TRIGGERS = {
    "organisation_graph_insert": f"AFTER INSERT ON {ORG}",
    "organisation_graph_delete": f"AFTER DELETE ON {ORG}",
    "organisation_graph_parent": (
        f"AFTER UPDATE OF parent_id ON {ORG} WHEN OLD.parent_id IS NOT NEW.parent_id"
    ),
    "organisation_graph_link_insert": f"AFTER INSERT ON {LINKS}",
    "organisation_graph_link_delete": f"AFTER DELETE ON {LINKS}",
    "organisation_graph_link_update": f"AFTER UPDATE ON {LINKS}",
}


def create_triggers(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BUMP_POSTGRES)
    elif schema_editor.connection.vendor == "sqlite":
        for name, when in SQLITE_TRIGGERS.items():
            schema_editor.execute(f"CREATE TRIGGER {name} {when} BEGIN {SQLITE_UPSERT} END")
    schema_editor.execute(f"INSERT INTO {GRAPH} (id, version, nonce) VALUES (1, 1, 0)")


def drop_triggers(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNBUMP_POSTGRES)
    elif schema_editor.connection.vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="OrganisationGraph",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.BigIntegerField(default=0)),
                ("nonce", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
