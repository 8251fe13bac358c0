"""The PM clock's device, kept on the clock: its owner, whether it is in the register, whether its model
is assistive — kept by database triggers, so that overdue FU per customer reads the clocks alone.

Overdue FU ("next due before today, device in the register") is read on every load of the FU page and
the key figures; joined to the register it read a million devices for 65,000 clocks. The device is
written by many paths (the services, an import, bulk moves, the planner's register sync), so its three
values are copied where every write passes, as the kept device counts are (`inventory.kept_counts`, the
same mechanism: `core.kept_counts.KeptCounts`):

- A clock inserted takes them from its device. The planner's `INSERT … SELECT` writes them itself (it
  reads the device anyway); the trigger corrects only the rows that came without them (one set-based
  statement on PostgreSQL, whatever the number of clocks).
- A device whose owner, status or model changes updates its clock; a model that turns assistive (or
  back) updates its devices' clocks.
- PostgreSQL: statement triggers with transition tables (a bulk move of devices is one UPDATE of the
  clocks); SQLite: row triggers. `rebuild` recomputes the values from the register (the migration fills
  existing clocks with it; idempotent). A clock written before its device exists (no path of the app
  does) keeps no owner until `rebuild`.
"""

from __future__ import annotations

from medtek.core.kept_counts import KeptCounts
from medtek.inventory import kept_counts as devices
from medtek.inventory.rules import LEFT_REGISTER

STATE = "maintenance_devicepmstate"
DEVICE = devices.DEVICE
MODEL = devices.MODEL
LEFT = "(" + ", ".join(f"'{s}'" for s in sorted(LEFT_REGISTER)) + ")"


def in_register_sql(device: str) -> str:
    """SQL for "the device is in the register" (its status is not one that left it)."""
    return f"({device}.status NOT IN {LEFT})"


POSTGRES_INSTALL = f"""
CREATE FUNCTION maintenance_pmstate_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only the clocks that came without their device's values are written (materialized first, so the
    -- clocks table is joined to those alone: the planner's insert gives them, and writes nothing twice).
    WITH x AS MATERIALIZED (
        SELECT n.device_id, d.owner_id, {in_register_sql("d")} AS in_register,
               COALESCE(m.is_assistive, FALSE) AS is_assistive
        FROM new_rows n JOIN {DEVICE} d ON d.id = n.device_id LEFT JOIN {MODEL} m ON m.id = d.model_id
        WHERE (n.owner_id, n.in_register, n.is_assistive)
              IS DISTINCT FROM (d.owner_id, {in_register_sql("d")}, COALESCE(m.is_assistive, FALSE))
    )
    UPDATE {STATE} s SET owner_id = x.owner_id, in_register = x.in_register, is_assistive = x.is_assistive
    FROM x WHERE s.device_id = x.device_id;
    RETURN NULL;
END $$;
CREATE TRIGGER pmstate_kept_insert AFTER INSERT ON {STATE}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION maintenance_pmstate_kept();

CREATE FUNCTION maintenance_device_clock_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The devices whose owner, status or model changed (an update of other columns writes no clock).
    WITH x AS MATERIALIZED (
        SELECT nw.id, nw.owner_id, {in_register_sql("nw")} AS in_register,
               COALESCE(m.is_assistive, FALSE) AS is_assistive
        FROM old_rows ol JOIN new_rows nw ON nw.id = ol.id LEFT JOIN {MODEL} m ON m.id = nw.model_id
        WHERE (ol.owner_id, ol.status, ol.model_id) IS DISTINCT FROM (nw.owner_id, nw.status, nw.model_id)
    )
    UPDATE {STATE} s SET owner_id = x.owner_id, in_register = x.in_register, is_assistive = x.is_assistive
    FROM x WHERE s.device_id = x.id
      AND (s.owner_id, s.in_register, s.is_assistive)
          IS DISTINCT FROM (x.owner_id, x.in_register, x.is_assistive);
    RETURN NULL;
END $$;
CREATE TRIGGER device_clock_kept AFTER UPDATE ON {DEVICE}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION maintenance_device_clock_kept();

CREATE FUNCTION maintenance_devicemodel_clock_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {STATE} s SET is_assistive = NEW.is_assistive FROM {DEVICE} d
    WHERE d.model_id = NEW.id AND s.device_id = d.id AND s.is_assistive IS DISTINCT FROM NEW.is_assistive;
    RETURN NULL;
END $$;
CREATE TRIGGER devicemodel_clock_kept AFTER UPDATE OF is_assistive ON {MODEL}
    FOR EACH ROW WHEN (OLD.is_assistive IS DISTINCT FROM NEW.is_assistive)
    EXECUTE FUNCTION maintenance_devicemodel_clock_kept();
"""
POSTGRES_TRIGGERS = {
    STATE: ("pmstate_kept_insert",),
    DEVICE: ("device_clock_kept",),
    MODEL: ("devicemodel_clock_kept",),
}


SQLITE_TRIGGERS = {
    "pmstate_kept_insert": (
        STATE,
        f"AFTER INSERT ON {STATE}",
        f"UPDATE {STATE} SET (owner_id, in_register, is_assistive) = ("
        f"SELECT d.owner_id, {in_register_sql('d')}, {devices.model_is_assistive_sql('d.model_id')} "
        f"FROM {DEVICE} d "
        f"WHERE d.id = NEW.device_id) "
        f"WHERE device_id = NEW.device_id AND EXISTS (SELECT 1 FROM {DEVICE} WHERE id = NEW.device_id);",
    ),
    "device_clock_kept": (
        DEVICE,
        f"AFTER UPDATE OF owner_id, status, model_id ON {DEVICE} WHEN OLD.owner_id IS NOT NEW.owner_id "
        "OR OLD.status IS NOT NEW.status OR OLD.model_id IS NOT NEW.model_id",
        f"UPDATE {STATE} SET owner_id = NEW.owner_id, in_register = {in_register_sql('NEW')}, "
        f"is_assistive = {devices.model_is_assistive_sql('NEW.model_id')} WHERE device_id = NEW.id;",
    ),
    "devicemodel_clock_kept": (
        MODEL,
        f"AFTER UPDATE OF is_assistive ON {MODEL} WHEN OLD.is_assistive IS NOT NEW.is_assistive",
        f"UPDATE {STATE} SET is_assistive = NEW.is_assistive "
        f"WHERE device_id IN (SELECT id FROM {DEVICE} WHERE model_id = NEW.id);",
    ),
}

# UPDATE … FROM: PostgreSQL and SQLite (3.33 or later) alike; only the clocks that differ are written.
REBUILD = (
    f"UPDATE {STATE} SET owner_id = x.owner_id, in_register = x.in_register, is_assistive = x.is_assistive "
    f"FROM (SELECT d.id, d.owner_id, {in_register_sql('d')} AS in_register, "
    f"COALESCE(m.is_assistive, FALSE) AS is_assistive "
    f"FROM {DEVICE} d LEFT JOIN {MODEL} m ON m.id = d.model_id) x "
    f"WHERE x.id = {STATE}.device_id AND ({STATE}.owner_id IS NULL OR {STATE}.owner_id <> x.owner_id "
    f"OR {STATE}.in_register <> x.in_register OR {STATE}.is_assistive <> x.is_assistive)",
)

KEPT = KeptCounts(
    postgres_install=POSTGRES_INSTALL,
    postgres_triggers=POSTGRES_TRIGGERS,
    postgres_functions=(
        "maintenance_pmstate_kept",
        "maintenance_device_clock_kept",
        "maintenance_devicemodel_clock_kept",
    ),
    sqlite_triggers=SQLITE_TRIGGERS,
    rebuild_sql=REBUILD,
)
install = KEPT.install
uninstall = KEPT.uninstall
rebuild = KEPT.rebuild
expected_triggers = KEPT.expected_triggers
