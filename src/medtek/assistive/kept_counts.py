"""Kept counts of the centre's stock: items per (article, owner, device status), kept by triggers.

The same mechanism as the register's device counts (`inventory.kept_counts`, read its notes): an item's
count moves when the item is written and when its device changes owner or status, whichever path wrote
it. An item written before its device (a restore with deferred foreign keys) is counted when the device
arrives: the item's trigger counts only items whose device is there, the device's only items already
there, so each item is counted once whatever the order.
"""

from __future__ import annotations

from medtek.core.kept_counts import KeptCounts
from medtek.inventory import kept_counts as devices

COUNTS = "assistive_itemcount"
ITEM = "assistive_item"
DEVICE = devices.DEVICE
KEY = "article_id, owner_id, status"

POSTGRES_INSTALL = f"""
CREATE FUNCTION assistive_item_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO {COUNTS} AS c ({KEY}, n)
        SELECT i.article_id, d.owner_id, d.status, COUNT(*)
        FROM new_rows i JOIN {DEVICE} d ON d.id = i.device_id
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT ({KEY}) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE {COUNTS} c SET n = c.n - g.k
        FROM (
            SELECT i.article_id, d.owner_id, d.status, COUNT(*) AS k
            FROM old_rows i JOIN {DEVICE} d ON d.id = i.device_id GROUP BY 1, 2, 3
        ) g
        WHERE c.article_id = g.article_id AND c.owner_id = g.owner_id AND c.status = g.status;
    ELSE
        INSERT INTO {COUNTS} AS c ({KEY}, n)
        SELECT x.article_id, d.owner_id, d.status, SUM(x.k)
        FROM (
            SELECT nw.article_id, nw.device_id, ol.article_id AS o_article, ol.device_id AS o_device
            FROM old_rows ol JOIN new_rows nw ON nw.id = ol.id
            WHERE (ol.article_id, ol.device_id) IS DISTINCT FROM (nw.article_id, nw.device_id)
        ) moved
        CROSS JOIN LATERAL (
            VALUES (moved.article_id, moved.device_id, 1), (moved.o_article, moved.o_device, -1)
        ) AS x(article_id, device_id, k)
        JOIN {DEVICE} d ON d.id = x.device_id
        GROUP BY 1, 2, 3 HAVING SUM(x.k) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT ({KEY}) DO UPDATE SET n = c.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER item_counted_insert AFTER INSERT ON {ITEM}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION assistive_item_counted();
CREATE TRIGGER item_counted_update AFTER UPDATE ON {ITEM}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION assistive_item_counted();
CREATE TRIGGER item_counted_delete AFTER DELETE ON {ITEM}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION assistive_item_counted();

CREATE FUNCTION assistive_device_items_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO {COUNTS} AS c ({KEY}, n)
        SELECT i.article_id, d.owner_id, d.status, COUNT(*)
        FROM new_rows d JOIN {ITEM} i ON i.device_id = d.id
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT ({KEY}) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE {COUNTS} c SET n = c.n - g.k
        FROM (
            SELECT i.article_id, d.owner_id, d.status, COUNT(*) AS k
            FROM old_rows d JOIN {ITEM} i ON i.device_id = d.id GROUP BY 1, 2, 3
        ) g
        WHERE c.article_id = g.article_id AND c.owner_id = g.owner_id AND c.status = g.status;
    ELSE
        INSERT INTO {COUNTS} AS c ({KEY}, n)
        SELECT i.article_id, x.owner_id, x.status, SUM(x.k)
        FROM (
            SELECT nw.id, nw.owner_id, nw.status, ol.owner_id AS o_owner, ol.status AS o_status
            FROM old_rows ol JOIN new_rows nw ON nw.id = ol.id
            WHERE (ol.owner_id, ol.status) IS DISTINCT FROM (nw.owner_id, nw.status)
        ) moved
        JOIN {ITEM} i ON i.device_id = moved.id
        CROSS JOIN LATERAL (
            VALUES (moved.owner_id, moved.status, 1), (moved.o_owner, moved.o_status, -1)
        ) AS x(owner_id, status, k)
        GROUP BY 1, 2, 3 HAVING SUM(x.k) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT ({KEY}) DO UPDATE SET n = c.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER device_items_counted_insert AFTER INSERT ON {DEVICE}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION assistive_device_items_counted();
CREATE TRIGGER device_items_counted_update AFTER UPDATE ON {DEVICE}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION assistive_device_items_counted();
CREATE TRIGGER device_items_counted_delete AFTER DELETE ON {DEVICE}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION assistive_device_items_counted();
"""
POSTGRES_TRIGGERS = {
    ITEM: ("item_counted_insert", "item_counted_update", "item_counted_delete"),
    DEVICE: ("device_items_counted_insert", "device_items_counted_update", "device_items_counted_delete"),
}


def _add_item(item: str) -> str:
    return (
        f"INSERT INTO {COUNTS} ({KEY}, n) SELECT {item}.article_id, d.owner_id, d.status, 1 "
        f"FROM {DEVICE} d WHERE d.id = {item}.device_id ON CONFLICT ({KEY}) DO UPDATE SET n = n + excluded.n;"
    )


def _take_item(item: str) -> str:
    return (
        f"UPDATE {COUNTS} SET n = n - 1 WHERE article_id = {item}.article_id AND EXISTS (SELECT 1 FROM "
        f"{DEVICE} d WHERE d.id = {item}.device_id AND d.owner_id = {COUNTS}.owner_id "
        f"AND d.status = {COUNTS}.status);"
    )


def _add_device(device: str) -> str:
    return (
        f"INSERT INTO {COUNTS} ({KEY}, n) SELECT i.article_id, {device}.owner_id, {device}.status, 1 "
        f"FROM {ITEM} i WHERE i.device_id = {device}.id ON CONFLICT ({KEY}) DO UPDATE SET n = n + excluded.n;"
    )


def _take_device(device: str) -> str:
    return (
        f"UPDATE {COUNTS} SET n = n - 1 WHERE owner_id = {device}.owner_id AND status = {device}.status "
        f"AND article_id IN (SELECT i.article_id FROM {ITEM} i WHERE i.device_id = {device}.id);"
    )


SQLITE_TRIGGERS = {
    "item_counted_insert": (ITEM, f"AFTER INSERT ON {ITEM}", _add_item("NEW")),
    "item_counted_delete": (ITEM, f"AFTER DELETE ON {ITEM}", _take_item("OLD")),
    "item_counted_update": (
        ITEM,
        f"AFTER UPDATE OF article_id, device_id ON {ITEM} "
        "WHEN OLD.article_id IS NOT NEW.article_id OR OLD.device_id IS NOT NEW.device_id",
        _take_item("OLD") + " " + _add_item("NEW"),
    ),
    "device_items_counted_insert": (DEVICE, f"AFTER INSERT ON {DEVICE}", _add_device("NEW")),
    "device_items_counted_delete": (DEVICE, f"AFTER DELETE ON {DEVICE}", _take_device("OLD")),
    "device_items_counted_update": (
        DEVICE,
        f"AFTER UPDATE OF owner_id, status ON {DEVICE} "
        "WHEN OLD.owner_id IS NOT NEW.owner_id OR OLD.status IS NOT NEW.status",
        _take_device("OLD") + " " + _add_device("NEW"),
    ),
}

REBUILD = [
    f"DELETE FROM {COUNTS}",
    f"INSERT INTO {COUNTS} ({KEY}, n) SELECT i.article_id, d.owner_id, d.status, COUNT(*) "
    f"FROM {ITEM} i JOIN {DEVICE} d ON d.id = i.device_id GROUP BY 1, 2, 3",
]


KEPT = KeptCounts(
    postgres_install=POSTGRES_INSTALL,
    postgres_triggers=POSTGRES_TRIGGERS,
    postgres_functions=("assistive_item_counted", "assistive_device_items_counted"),
    sqlite_triggers=SQLITE_TRIGGERS,
    rebuild_sql=tuple(REBUILD),
)
install = KEPT.install
uninstall = KEPT.uninstall
rebuild = KEPT.rebuild
expected_triggers = KEPT.expected_triggers
