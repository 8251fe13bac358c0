"""Device import: every bad row reported with row, column and reason; all rows written or none."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation
from openpyxl import Workbook

from medtek.core.models import Event
from medtek.inventory.importer import RowError, import_devices
from medtek.inventory.models import Device
from medtek.inventory.tests.factories import DeviceFactory, DeviceModelFactory, ManufacturerFactory
from medtek.organizations.tests.factories import LocationFactory

HEADER = "asset_number;model;owner;location;serial_number;acquisition_value;is_sterile;expiry_date"
GTIN = "07610000000011"


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def register(world: Any) -> Any:
    maker = ManufacturerFactory(name="B. Braun")
    world.pump = DeviceModelFactory(manufacturer=maker, name="Infusomat Space")
    world.berg.short_code = "BERG"
    world.berg.save()
    world.ward = LocationFactory(organisation=world.berg, code="AVD1")
    world.ost_ward = LocationFactory(organisation=world.ostersund, code="AVD9")
    return world


def run(user: Any, text: str, **kwargs: Any) -> Any:
    return import_devices(user=user, data=text.encode("utf-8"), filename="devices.csv", **kwargs)


def messages(report: Any) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in report.errors]


def test_valid_rows_are_registered_with_their_values(register: Any) -> None:
    text = (
        f"{HEADER}\nA-1;Infusomat Space;BERG;AVD1;SN1;28 000,50;nej;\n"
        "A-2;B. Braun Infusomat Space;BERG;;;;ja;2027-01-31\n"
    )
    report = run(register.admin, text)
    assert (report.ok, report.rows, report.created) == (True, 2, 2)
    first = Device.objects.get(asset_number="A-1")
    assert (first.model_id, first.owner_id, first.location_id) == (
        register.pump.pk,
        register.berg.pk,
        register.ward.pk,
    )
    assert first.acquisition_value == Decimal("28000.50")
    assert Device.objects.get(asset_number="A-2").is_sterile is True


def stored(asset: str) -> tuple[Any, ...]:
    d = Device.objects.get(asset_number=asset)
    return (
        d.model_id,
        d.owner_id,
        d.location_id,
        d.serial_number,
        d.acquisition_value,
        d.is_sterile,
        d.expiry_date,
        d.acquisition_date,
    )


def test_cells_written_loosely_are_read_as_the_same_cells_written_plainly(register: Any) -> None:
    header = (
        "asset_number;model;owner;location;serial_number;acquisition_value;is_sterile;expiry_date;"
        "acquisition_date"
    )
    text = "\n".join(
        [
            header,
            "A-1;Infusomat Space;BERG;AVD1;SN\\1;28000,5;ja;2027-01-31;2024-05-02",
            "A-2; infusomat  SPACE ; berg ; avd1 ;SN\\1; 28 000,50 ; JA ; 2027-01-31 ;2024-05-02 08:30",
            'B-1;Infusomat Space;BERG;;"S\tN";007;nej;;2024-05-02T08:30:00',
            'B-2;B. Braun Infusomat Space;2326;;"S\tN"; 7,00 ; Nej ;;2024-05-02',
        ]
    )
    report = run(register.admin, text)
    assert report.ok, report.errors
    assert (
        stored("A-1")
        == stored("A-2")
        == (
            register.pump.pk,
            register.berg.pk,
            register.ward.pk,
            "SN\\1",
            Decimal("28000.50"),
            True,
            dt.date(2027, 1, 31),
            dt.date(2024, 5, 2),
        )
    )
    assert (
        stored("B-1")
        == stored("B-2")
        == (
            register.pump.pk,
            register.berg.pk,
            None,
            "S\tN",
            Decimal("7.00"),
            False,
            None,
            dt.date(2024, 5, 2),
        )
    )


def test_every_row_has_its_references_checked_whatever_earlier_rows_wrote(register: Any) -> None:
    text = "\n".join(
        [
            "asset_number;model;owner;location;acquisition_value",
            "A-1;Infusomat Space;BERG;AVD1;100",
            "A-2;No Such Model;BERG;AVD1;100",
            "A-3;No Such Model;BERG;AVD1;100,555",
            "A-4;Infusomat Space;2380;AVD1;1000000000000",
            "A-5;Infusomat Space;BERG;AVD9;-100",
        ]
    )
    report = run(register.admin, text)
    assert messages(report) == [
        (2, "model", "Unknown device model 'No Such Model'."),
        (3, "model", "Unknown device model 'No Such Model'."),
        (3, "acquisition_value", "'100,555' has more than two decimals (öre)."),
        (4, "location", "The location AVD1 belongs to another organisation, not to Östersunds kommun."),
        (4, "acquisition_value", "'1000000000000' is larger than the register holds."),
        (5, "location", "The location AVD9 belongs to another organisation, not to Bergs kommun."),
        (5, "acquisition_value", "The acquisition value cannot be negative."),
    ]


def test_every_imported_device_gets_its_imported_event_with_the_snapshot(register: Any) -> None:
    run(register.admin, f"{HEADER}\nA-1;Infusomat Space;BERG;AVD1;;;;\n")
    device = Device.objects.get(asset_number="A-1")
    event = Event.objects.get(device_id=device.pk)
    assert (event.kind, event.owner_id, event.location_id, event.status, event.in_register) == (
        "device.imported",
        register.berg.pk,
        register.ward.pk,
        "in_use",
        True,
    )
    assert event.actor_id == register.admin.pk
    assert event.data == {"asset_number": "A-1", "model": register.pump.pk, "owner": register.berg.pk}


def test_comma_separated_file_with_bom_is_read(register: Any) -> None:
    data = "\ufeffasset_number,model,owner\nA-1,Infusomat Space,BERG\n".encode()
    report = import_devices(user=register.admin, data=data, filename="x.csv")
    assert report.ok and report.created == 1


def test_windows_1252_file_from_swedish_excel_is_read(register: Any) -> None:
    register.berg.name = "Bergs kommun"
    data = "inventarienummer;modell;ägare\nÅ-1;Infusomat Space;Bergs kommun\n".encode("cp1252")
    report = import_devices(user=register.admin, data=data, filename="x.csv")
    assert report.ok, report.errors
    assert Device.objects.filter(asset_number="Å-1").exists()


def test_owner_can_be_named_by_organisation_number(register: Any) -> None:
    register.foreign.org_number  # noqa: B018
    number = register.berg.org_number.replace("-", "")
    report = run(register.admin, f"asset_number;model;owner\nA-1;Infusomat Space;{number}\n")
    assert report.ok, report.errors
    assert Device.objects.get(asset_number="A-1").owner_id == register.berg.pk


def test_every_bad_row_is_reported_and_nothing_is_written(register: Any) -> None:
    DeviceFactory(asset_number="TAKEN", owner=register.berg)
    text = "\n".join(
        [
            HEADER,
            "A-1;Infusomat Space;BERG;;;;;",
            "A-2;No Such Model;BERG;;;;;",
            "A-3;Infusomat Space;NOPE;;;;;",
            "A-4;Infusomat Space;BERG;AVD9;;;;",
            "A-5;Infusomat Space;BERG;;;-5;;",
            "A-6;Infusomat Space;BERG;;;abc;;",
            "A-7;Infusomat Space;BERG;;;;ja;",
            "A-8;Infusomat Space;BERG;;;;kanske;",
            "A-1;Infusomat Space;BERG;;;;;",
            "TAKEN;Infusomat Space;BERG;;;;;",
            ";Infusomat Space;BERG;;;;nej;31/12/2027",
        ]
    )
    events = Event.objects.count()
    report = run(register.admin, text)
    assert not report.ok
    assert messages(report) == [
        (2, "model", "Unknown device model 'No Such Model'."),
        (3, "owner", "Unknown organisation 'NOPE'."),
        (4, "location", "The location AVD9 belongs to another organisation, not to Bergs kommun."),
        (5, "acquisition_value", "The acquisition value cannot be negative."),
        (6, "acquisition_value", "'abc' is not an amount; write e.g. 28000,50 or 28000.50."),
        (7, "expiry_date", "A sterile device needs its expiry date."),
        (8, "is_sterile", "'kanske' is not yes or no; write ja or nej."),
        (9, "asset_number", "The asset number A-1 is also on row 1."),
        (10, "asset_number", "A device with the asset number TAKEN is already registered."),
        (11, "asset_number", "The asset number is required."),
        (11, "expiry_date", "'31/12/2027' is not a date; write YYYY-MM-DD."),
    ]
    assert [e.line for e in report.errors] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 12]
    assert (report.error_count, report.error_rows) == (11, 10)
    assert report.created == 0
    assert Device.objects.count() == 1
    assert Event.objects.count() == events


def test_bad_status_names_the_statuses(register: Any) -> None:
    report = run(register.admin, "asset_number;model;owner;status\nA-1;Infusomat Space;BERG;trasig\n")
    assert report.errors[0].column == "status"
    assert report.errors[0].message.startswith("'trasig' is not a device status; use one of: in_use,")


def test_status_may_be_given_by_its_swedish_name(register: Any) -> None:
    with translation.override("sv"):
        label = str(Device._meta.get_field("status").choices[1][1])  # type: ignore[index]
    report = run(register.admin, f"asset_number;model;owner;status\nA-1;Infusomat Space;BERG;{label}\n")
    assert report.ok, report.errors
    assert Device.objects.get(asset_number="A-1").status == "out_of_service"


def test_ambiguous_model_name_asks_for_the_manufacturer(register: Any) -> None:
    DeviceModelFactory(name="Infusomat Space")
    report = run(register.admin, "asset_number;model;owner\nA-1;Infusomat Space;BERG\n")
    assert messages(report) == [
        (1, "model", "Several manufacturers have a model 'Infusomat Space'; write 'Manufacturer Model'.")
    ]


def test_owner_outside_the_users_import_right_is_refused(register: Any) -> None:
    register.foreign.short_code = "HALM"
    register.foreign.save()
    report = run(register.admin, "asset_number;model;owner\nA-1;Infusomat Space;HALM\n")
    assert messages(report) == [(1, "owner", "Unknown organisation 'HALM'.")]


def test_user_without_import_right_is_denied(register: Any) -> None:
    with pytest.raises(PermissionDenied):
        run(register.tech, "asset_number;model;owner\nA-1;Infusomat Space;BERG\n")


def test_unknown_and_missing_columns_are_reported_on_the_header_row(register: Any) -> None:
    report = run(register.admin, "asset_number;modell_x\nA-1;x\n")
    assert [(e.row, e.line) for e in report.errors] == [(0, 1), (0, 1), (0, 1)]
    assert (report.error_count, report.error_rows) == (3, 1)
    assert report.errors[0] == RowError(
        0,
        "modell_x",
        "Unknown column 'modell_x'; the columns are: asset_number, model, owner, location, serial_number, "
        "udi, status, acquisition_date, acquisition_value, warranty_end, stores_patient_data, "
        "has_radiation_source, is_sterile, expiry_date, last_pm.",
        1,
    )
    assert report.errors[1].message == "The column 'model' is missing; it is required."


def test_udi_fills_identifier_lot_serial_and_expiry(register: Any) -> None:
    udi = f"(01){GTIN}(17)271231(10)LOT7(21)SER9"
    report = run(register.admin, f"asset_number;model;owner;udi\nA-1;Infusomat Space;BERG;{udi}\n")
    assert report.ok, report.errors
    device = Device.objects.get(asset_number="A-1")
    assert (device.udi_di, device.lot, device.serial_number, str(device.expiry_date)) == (
        GTIN,
        "LOT7",
        "SER9",
        "2027-12-31",
    )
    assert device.udi_pi == "(17)271231(10)LOT7(21)SER9"


def test_bad_udi_check_digit_is_reported(register: Any) -> None:
    report = run(
        register.admin, "asset_number;model;owner;udi\nA-1;Infusomat Space;BERG;(01)07610000000019\n"
    )
    assert report.errors[0].column == "udi"
    assert not Device.objects.exists()


def test_dry_run_reports_but_writes_nothing(register: Any) -> None:
    report = run(register.admin, "asset_number;model;owner\nA-1;Infusomat Space;BERG\n", dry_run=True)
    assert (report.ok, report.rows, report.created, report.dry_run) == (True, 1, 0, True)
    assert not Device.objects.exists()


def test_xlsx_file_is_imported_with_typed_cells(register: Any) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "asset_number",
            "model",
            "owner",
            "acquisition_date",
            "acquisition_value",
            "is_sterile",
            "expiry_date",
        ]
    )
    sheet.append(
        [1001, "Infusomat Space", "BERG", dt.datetime(2024, 3, 1), 1234.5, True, dt.date(2028, 1, 1)]
    )
    out = io.BytesIO()
    book.save(out)
    report = import_devices(user=register.admin, data=out.getvalue(), filename="devices.xlsx")
    assert report.ok, report.errors
    device = Device.objects.get(asset_number="1001")
    assert (str(device.acquisition_date), device.acquisition_value, device.is_sterile) == (
        "2024-03-01",
        Decimal("1234.50"),
        True,
    )


def test_a_damaged_xlsx_file_is_one_clear_error(register: Any) -> None:
    report = import_devices(user=register.admin, data=b"PK\x03\x04garbage", filename="devices.xlsx")
    assert (report.errors[0].row, report.errors[0].line) == (0, 0)
    assert report.errors[0].message.startswith("The file is not a readable XLSX (zip) file")


def test_a_file_with_only_a_header_is_an_error(register: Any) -> None:
    report = run(register.admin, "asset_number;model;owner\n")
    assert messages(report) == [(1, "", "The file has no device rows under its header.")]


def test_import_takes_a_bounded_number_of_queries(register: Any, django_assert_max_num_queries: Any) -> None:
    rows = "\n".join(f"A-{i};Infusomat Space;BERG;AVD1;SN{i};100;nej;" for i in range(300))
    with django_assert_max_num_queries(21):
        report = run(register.admin, f"{HEADER}\n{rows}\n")
    assert report.created == 300
    assert Event.objects.filter(kind="device.imported").count() == 300


# Large files: on PostgreSQL the rows are streamed to the database while the file is still being checked.

MANY = 5000  # more than the writer's chunk, so rows are already streamed when the bad one comes


def _many(count: int, bad: dict[int, str] | None = None) -> str:
    lines = [HEADER]
    for i in range(count):
        lines.append((bad or {}).get(i, f"M-{i:05d};Infusomat Space;BERG;;;;;"))
    return "\n".join(lines) + "\n"


def test_a_bad_row_after_thousands_of_good_ones_leaves_nothing_written(register: Any) -> None:
    devices, events = Device.objects.count(), Event.objects.count()
    report = run(register.admin, _many(MANY, {MANY - 1: "M-LAST;No Such Model;BERG;;;;;"}))
    assert messages(report) == [(MANY, "model", "Unknown device model 'No Such Model'.")]
    assert (report.created, Device.objects.count(), Event.objects.count()) == (0, devices, events)


def test_an_asset_number_already_registered_far_down_the_file_is_named_and_nothing_written(
    register: Any,
) -> None:
    DeviceFactory(asset_number="M-04000", owner=register.berg)
    devices, events = Device.objects.count(), Event.objects.count()
    report = run(register.admin, _many(MANY))
    assert messages(report) == [
        (4001, "asset_number", "A device with the asset number M-04000 is already registered.")
    ]
    assert (report.created, Device.objects.count(), Event.objects.count()) == (0, devices, events)


def test_a_large_file_registers_every_device_with_its_event(register: Any) -> None:
    report = run(register.admin, _many(MANY))
    assert (report.ok, report.created) == (True, MANY)
    imported = Event.objects.filter(kind="device.imported", device_id__isnull=False)
    assert imported.count() == MANY
    last = imported.get(device_id=Device.objects.get(asset_number="M-04999").pk)
    assert (last.owner_id, last.in_register, last.data["asset_number"]) == (register.berg.pk, True, "M-04999")
    assert last.actor_id == register.admin.pk


def test_a_failure_in_the_middle_of_a_large_file_leaves_nothing_and_the_connection_usable(
    register: Any, monkeypatch: Any
) -> None:
    from medtek.inventory import importer

    devices = Device.objects.count()
    original = importer._Validator.row
    calls = {"n": 0}

    def row_then_fail(self: Any, *args: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == MANY - 10:
            raise RuntimeError("disk full")
        return original(self, *args)

    monkeypatch.setattr(importer._Validator, "row", row_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        run(register.admin, _many(MANY))
    assert Device.objects.count() == devices


def test_an_asset_number_registered_while_the_file_is_being_saved_is_named_and_nothing_written(
    register: Any, monkeypatch: Any
) -> None:
    from medtek.inventory import importer

    for writer in (importer._StagingWriter, importer._CopyWriter):
        original = writer.flush

        def register_then_flush(self: Any, after: Any = None, original: Any = original) -> int:
            DeviceFactory(asset_number="A-2", owner=register.berg)  # another user, a moment earlier
            return original(self, after)

        monkeypatch.setattr(writer, "flush", register_then_flush)
    devices = Device.objects.count()
    report = run(register.admin, f"{HEADER}\nA-1;Infusomat Space;BERG;;;;;\nA-2;Infusomat Space;BERG;;;;;\n")
    assert messages(report) == [
        (2, "asset_number", "A device with the asset number A-2 is already registered.")
    ]
    assert (report.created, Device.objects.count()) == (0, devices + 1)
