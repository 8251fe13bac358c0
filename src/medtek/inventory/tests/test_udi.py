"""Reading scanned GS1/UDI barcodes with biip, without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from medtek.inventory.udi import BarcodeError, parse_udi

GTIN = "07610000000011"
GS = "\x1d"


def test_human_readable_udi_gives_di_expiry_lot_and_serial() -> None:
    udi = parse_udi(f"(01){GTIN}(17)271231(10)LOT7(21)SER9")
    assert (udi.di, udi.expiry, udi.lot, udi.serial) == (GTIN, dt.date(2027, 12, 31), "LOT7", "SER9")


def test_production_identifier_is_written_in_a_fixed_order() -> None:
    udi = parse_udi(f"(01){GTIN}(21)SER9(10)LOT7(17)271231")
    assert udi.pi == "(17)271231(10)LOT7(21)SER9"


def test_raw_scan_with_group_separators_is_parsed() -> None:
    udi = parse_udi(f"01{GTIN}10LOT7{GS}21SER9")
    assert (udi.di, udi.lot, udi.serial) == (GTIN, "LOT7", "SER9")


def test_production_date_is_read() -> None:
    assert parse_udi(f"(01){GTIN}(11)250115").production_date == dt.date(2025, 1, 15)


def test_di_only_has_an_empty_production_identifier() -> None:
    udi = parse_udi(f"(01){GTIN}")
    assert (udi.pi, udi.serial, udi.lot, udi.expiry) == ("", "", "", None)


def test_wrong_check_digit_is_refused_with_the_reason() -> None:
    with pytest.raises(BarcodeError) as exc:
        parse_udi("(01)07610000000019")
    assert str(exc.value) == "Enhetsidentifieraren (UDI-DI, AI 01) 07610000000019 har fel kontrollsiffra."


def test_empty_barcode_is_refused() -> None:
    with pytest.raises(BarcodeError) as exc:
        parse_udi("   ")
    assert str(exc.value) == "Streckkoden är tom."


def test_barcode_without_device_identifier_is_not_a_udi() -> None:
    with pytest.raises(BarcodeError) as exc:
        parse_udi("(10)LOT7")
    assert str(exc.value) == "'(10)LOT7' saknar enhetsidentifierare (UDI-DI, AI 01): det är ingen UDI."


def test_text_that_is_no_gs1_barcode_is_refused() -> None:
    with pytest.raises(BarcodeError) as exc:
        parse_udi("hello world")
    assert str(exc.value).startswith("'hello world' är ingen GS1-streckkod")
