"""Kept counts of the register: devices per (owner, status, assistive or not), kept by database triggers.

Devices are written by many paths (the services, an import's COPY, bulk actions, set-based updates, the
benchmark's generator), so the counts are kept where every write passes: triggers on `inventory_device`
(and on `inventory_devicemodel` for a model that turns assistive or back). The key figures read these
rows instead of counting a million devices on every load.

- PostgreSQL: statement triggers with transition tables, one grouped upsert per statement (a COPY of
  100,000 devices is one upsert of a few hundred rows, not 100,000).
- SQLite: row triggers. A decrement is an UPDATE of a row that is there (never an insert), so a flush that
  empties the tables in any order leaves them empty; PostgreSQL's flush is a TRUNCATE of all tables.
- `rebuild` recomputes the rows from the register (the migration fills existing data with it; an
  operator may run it any time, it is idempotent). `installed_triggers` lists what is in place: a later
  SQLite migration that rebuilds `inventory_device` drops its triggers, and a test checks they exist.
"""

from __future__ import annotations

from medtek.core.kept_counts import KeptCounts

COUNTS = "inventory_devicecount"
DEVICE = "inventory_device"
MODEL = "inventory_devicemodel"
KEY = "owner_id, status, is_assistive"

POSTGRES_INSTALL = f"""
CREATE FUNCTION inventory_device_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO {COUNTS} AS c ({KEY}, n)
        SELECT d.owner_id, d.status, COALESCE(m.is_assistive, FALSE), COUNT(*)
        FROM new_rows d LEFT JOIN {MODEL} m ON m.id = d.model_id
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT ({KEY}) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE {COUNTS} c SET n = c.n - g.k
        FROM (
            SELECT d.owner_id, d.status, COALESCE(m.is_assistive, FALSE) AS is_assistive, COUNT(*) AS k
            FROM old_rows d LEFT JOIN {MODEL} m ON m.id = d.model_id GROUP BY 1, 2, 3
        ) g
        WHERE c.owner_id = g.owner_id AND c.status = g.status AND c.is_assistive = g.is_assistive;
    ELSE
        INSERT INTO {COUNTS} AS c ({KEY}, n)
        SELECT d.owner_id, d.status, COALESCE(m.is_assistive, FALSE), SUM(d.k)
        FROM (
            SELECT nw.owner_id, nw.status, nw.model_id, 1 AS k, ol.owner_id AS o_owner,
                   ol.status AS o_status, ol.model_id AS o_model
            FROM old_rows ol JOIN new_rows nw ON nw.id = ol.id
            WHERE (ol.owner_id, ol.status, ol.model_id) IS DISTINCT FROM (nw.owner_id, nw.status, nw.model_id)
        ) moved
        CROSS JOIN LATERAL (
            VALUES (moved.owner_id, moved.status, moved.model_id, 1),
                   (moved.o_owner, moved.o_status, moved.o_model, -1)
        ) AS d(owner_id, status, model_id, k)
        LEFT JOIN {MODEL} m ON m.id = d.model_id
        GROUP BY 1, 2, 3 HAVING SUM(d.k) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT ({KEY}) DO UPDATE SET n = c.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER device_counted_insert AFTER INSERT ON {DEVICE}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION inventory_device_counted();
CREATE TRIGGER device_counted_update AFTER UPDATE ON {DEVICE}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION inventory_device_counted();
CREATE TRIGGER device_counted_delete AFTER DELETE ON {DEVICE}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION inventory_device_counted();

CREATE FUNCTION inventory_devicemodel_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {COUNTS} AS c ({KEY}, n)
    SELECT owner_id, status, NEW.is_assistive, COUNT(*) FROM {DEVICE} WHERE model_id = NEW.id
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT ({KEY}) DO UPDATE SET n = c.n + EXCLUDED.n;
    UPDATE {COUNTS} c SET n = c.n - g.k
    FROM (SELECT owner_id, status, COUNT(*) AS k FROM {DEVICE} WHERE model_id = NEW.id GROUP BY 1, 2) g
    WHERE c.owner_id = g.owner_id AND c.status = g.status AND c.is_assistive = OLD.is_assistive;
    RETURN NULL;
END $$;
CREATE TRIGGER devicemodel_counted AFTER UPDATE OF is_assistive ON {MODEL}
    FOR EACH ROW WHEN (OLD.is_assistive IS DISTINCT FROM NEW.is_assistive)
    EXECUTE FUNCTION inventory_devicemodel_counted();
"""
POSTGRES_TRIGGERS = {
    DEVICE: ("device_counted_insert", "device_counted_update", "device_counted_delete"),
    MODEL: ("devicemodel_counted",),
}


def model_is_assistive_sql(model_id: str) -> str:
    """SQL for "the model `model_id` names is assistive" (FALSE for no model), for row triggers."""
    return f"COALESCE((SELECT is_assistive FROM {MODEL} WHERE id = {model_id}), FALSE)"


def _add(row: str) -> str:
    assistive = model_is_assistive_sql(f"{row}.model_id")
    return (
        f"INSERT INTO {COUNTS} ({KEY}, n) SELECT {row}.owner_id, {row}.status, {assistive}, 1 "
        f"WHERE TRUE ON CONFLICT ({KEY}) DO UPDATE SET n = n + excluded.n;"
    )


def _take(row: str) -> str:
    return (
        f"UPDATE {COUNTS} SET n = n - 1 WHERE owner_id = {row}.owner_id AND status = {row}.status "
        f"AND is_assistive = {model_is_assistive_sql(f'{row}.model_id')};"
    )


SQLITE_TRIGGERS = {
    "device_counted_insert": (DEVICE, f"AFTER INSERT ON {DEVICE}", _add("NEW")),
    "device_counted_delete": (DEVICE, f"AFTER DELETE ON {DEVICE}", _take("OLD")),
    "device_counted_update": (
        DEVICE,
        f"AFTER UPDATE OF owner_id, status, model_id ON {DEVICE} WHEN OLD.owner_id IS NOT NEW.owner_id "
        "OR OLD.status IS NOT NEW.status OR OLD.model_id IS NOT NEW.model_id",
        _take("OLD") + " " + _add("NEW"),
    ),
    "devicemodel_counted": (
        MODEL,
        f"AFTER UPDATE OF is_assistive ON {MODEL} WHEN OLD.is_assistive IS NOT NEW.is_assistive",
        f"INSERT INTO {COUNTS} ({KEY}, n) SELECT owner_id, status, NEW.is_assistive, COUNT(*) FROM {DEVICE} "
        f"WHERE model_id = NEW.id GROUP BY owner_id, status "
        f"ON CONFLICT ({KEY}) DO UPDATE SET n = n + excluded.n; "
        f"UPDATE {COUNTS} SET n = n - (SELECT COUNT(*) FROM {DEVICE} d WHERE d.model_id = NEW.id "
        f"AND d.owner_id = {COUNTS}.owner_id AND d.status = {COUNTS}.status) "
        f"WHERE is_assistive = OLD.is_assistive;",
    ),
}

REBUILD = [
    f"DELETE FROM {COUNTS}",
    f"INSERT INTO {COUNTS} ({KEY}, n) "
    f"SELECT d.owner_id, d.status, COALESCE(m.is_assistive, FALSE), COUNT(*) "
    f"FROM {DEVICE} d LEFT JOIN {MODEL} m ON m.id = d.model_id GROUP BY 1, 2, 3",
]


KEPT = KeptCounts(
    postgres_install=POSTGRES_INSTALL,
    postgres_triggers=POSTGRES_TRIGGERS,
    postgres_functions=("inventory_device_counted", "inventory_devicemodel_counted"),
    sqlite_triggers=SQLITE_TRIGGERS,
    rebuild_sql=tuple(REBUILD),
)
install = KEPT.install
uninstall = KEPT.uninstall
rebuild = KEPT.rebuild
expected_triggers = KEPT.expected_triggers
