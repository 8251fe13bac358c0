"""Reads of the register: scoped lists, keyset pages, the scan lookup and counts as of a date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from medtek.inventory import selectors, services
from medtek.inventory.filters import DeviceFilter
from medtek.inventory.tests.factories import DeviceFactory, DeviceModelFactory
from medtek.organizations.models import Location

GTIN = "07610000000011"


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def register(world: Any, asset: str, owner: Any, day: dt.date, **fields: Any) -> Any:
    return services.device_create(
        user=world.admin,
        asset_number=asset,
        model=DeviceModelFactory(),
        owner=owner,
        registered_at=at(day),
        **fields,
    )


def test_device_list_shows_only_the_users_devices(world: Any) -> None:
    DeviceFactory(owner=world.berg, asset_number="B1")
    DeviceFactory(owner=world.ostersund, asset_number="O1")
    page = selectors.device_list(user=world.berg_contact, filters=DeviceFilter())
    assert [d.asset_number for d in page.items] == ["B1"]


def test_device_list_pages_follow_the_cursor_without_gaps_or_repeats(world: Any) -> None:
    for i in range(7):
        DeviceFactory(owner=world.berg, asset_number=f"P{i}")
    first = selectors.device_list(user=world.admin, filters=DeviceFilter(), limit=3)
    second = selectors.device_list(
        user=world.admin, filters=DeviceFilter(), cursor=first.next_cursor, limit=3
    )
    third = selectors.device_list(
        user=world.admin, filters=DeviceFilter(), cursor=second.next_cursor, limit=3
    )
    seen = [d.asset_number for p in (first, second, third) for d in p.items]
    assert seen == [f"P{i}" for i in range(7)]
    assert third.next_cursor is None
    assert (first.count, first.count_exact, third.count) == (7, True, 7)


def test_device_list_sorted_descending_pages_backwards(world: Any) -> None:
    for i in range(4):
        DeviceFactory(owner=world.berg, asset_number=f"P{i}")
    f = DeviceFilter(sort="-asset_number")
    first = selectors.device_list(user=world.admin, filters=f, limit=2)
    second = selectors.device_list(user=world.admin, filters=f, cursor=first.next_cursor, limit=2)
    assert [d.asset_number for d in first.items + second.items] == ["P3", "P2", "P1", "P0"]


@pytest.mark.parametrize(
    "filters",
    [DeviceFilter(), DeviceFilter(sort="-status"), DeviceFilter(sort="-created"), DeviceFilter(q="p")],
)
def test_the_list_pages_rows_are_the_lists_devices_page_by_page(world: Any, filters: DeviceFilter) -> None:
    for i in range(5):
        DeviceFactory(owner=world.berg, asset_number=f"P{i}", serial_number=f"S{i}")
    DeviceFactory(owner=world.ostersund, asset_number="P9", location=None)
    cursor = rows_cursor = None
    for _ in range(3):
        page = selectors.device_list(user=world.berg_contact, filters=filters, cursor=cursor, limit=2)
        rows = selectors.device_list_rows(
            user=world.berg_contact, filters=filters, cursor=rows_cursor, limit=2
        )
        assert [
            (r["pk"], r["asset_number"], r["owner__short_code"], r["model__manufacturer__name"])
            for r in rows.items
        ] == [(d.pk, d.asset_number, d.owner.short_code, d.model.manufacturer.name) for d in page.items]
        assert (rows.next_cursor, rows.count, rows.count_exact) == (
            page.next_cursor,
            page.count,
            page.count_exact,
        )
        cursor = rows_cursor = page.next_cursor


def test_count_beyond_the_cap_is_reported_as_not_exact(world: Any, settings: Any) -> None:
    settings.MEDTEK = {**settings.MEDTEK, "LIST_COUNT_CAP": 3}
    for i in range(5):
        DeviceFactory(owner=world.berg, asset_number=f"C{i}")
    page = selectors.device_list(user=world.admin, filters=DeviceFilter(), limit=2)
    assert (page.count, page.count_exact) == (3, False)


def test_a_foreign_cursor_is_refused_with_a_clear_message(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        selectors.device_list(user=world.admin, filters=DeviceFilter(), cursor="not-a-cursor")
    assert exc.value.message_dict["cursor"] == [
        "The cursor is not one this list gave out; start from the first page."
    ]


def test_search_matches_the_start_of_asset_or_serial_number_in_any_case(world: Any) -> None:
    DeviceFactory(owner=world.berg, asset_number="MT100", serial_number="X")
    DeviceFactory(owner=world.berg, asset_number="ZZ", serial_number="mt109")
    DeviceFactory(owner=world.berg, asset_number="AMT10", serial_number="Y")
    page = selectors.device_list(user=world.admin, filters=DeviceFilter(q="mt10"))
    assert sorted(d.asset_number for d in page.items) == ["MT100", "ZZ"]


def test_search_takes_like_wildcards_as_the_characters_typed(world: Any) -> None:
    DeviceFactory(owner=world.berg, asset_number="MT_1", serial_number="SN%100")
    DeviceFactory(owner=world.berg, asset_number="MTX1", serial_number="SNX100")

    def found(q: str) -> list[str]:
        return [
            d.asset_number for d in selectors.device_list(user=world.admin, filters=DeviceFilter(q=q)).items
        ]

    assert found("mt_") == ["MT_1"]
    assert found("sn%1") == ["MT_1"]
    assert found("mt%") == []


def test_search_matches_serial_numbers_from_the_fourth_character(world: Any) -> None:
    DeviceFactory(owner=world.berg, asset_number="A1", serial_number="XYZ123")
    assert selectors.device_list(user=world.admin, filters=DeviceFilter(q="xyz")).items == []
    page = selectors.device_list(user=world.admin, filters=DeviceFilter(q="xyz1"))
    assert [d.asset_number for d in page.items] == ["A1"]


def test_search_finds_devices_by_what_people_call_them(world: Any) -> None:
    defib = DeviceModelFactory(name="LIFEPAK 15", category="Defibrillator", manufacturer__name="Stryker")
    pump = DeviceModelFactory(name="Infusomat Space", category="Infusionspump", manufacturer__name="B. Braun")
    ward = Location.objects.create(organisation=world.berg, name="Akutmottagningen", code="AKM")
    DeviceFactory(owner=world.berg, asset_number="D1", model=defib)
    DeviceFactory(owner=world.berg, asset_number="D2", model=defib, location=ward)
    DeviceFactory(owner=world.berg, asset_number="P1", model=pump, location=ward)
    DeviceFactory(owner=world.ostersund, asset_number="D3", model=defib)

    def found(q: str, user: Any = world.admin) -> list[str]:
        return [d.asset_number for d in selectors.device_list(user=user, filters=DeviceFilter(q=q)).items]

    assert found("defibrillator") == ["D1", "D2", "D3"]
    assert found("stryker") == ["D1", "D2", "D3"]
    assert found("lifepak") == ["D1", "D2", "D3"]
    assert found("akutmottagningen") == ["D2", "P1"]
    assert found("defib akut") == ["D2"]
    assert found("braun") == ["P1"]
    assert found("defibrillator", world.berg_contact) == ["D1", "D2"]
    assert found("ventilator") == []


def test_search_finds_a_placement_by_its_code_and_a_model_by_its_nomenclature_code(world: Any) -> None:
    monitor = DeviceModelFactory(name="IntelliVue", category="Patientövervakning", nomenclature_code="47569")
    ward = Location.objects.create(organisation=world.berg, name="Avdelning 12", code="AVD12")
    DeviceFactory(owner=world.berg, asset_number="M1", model=monitor)
    DeviceFactory(owner=world.berg, asset_number="W1", location=ward)

    def found(q: str) -> list[str]:
        return [
            d.asset_number for d in selectors.device_list(user=world.admin, filters=DeviceFilter(q=q)).items
        ]

    assert found("avd12") == ["W1"]
    assert found("avd1") == []  # a code is matched whole, a name in part
    assert found("4756") == ["M1"]
    assert found("%") == []  # the word's characters, not LIKE's wildcards


def test_search_pages_follow_each_other_without_gaps(world: Any) -> None:
    defib = DeviceModelFactory(category="Defibrillator")
    other = DeviceModelFactory(category="Sug")
    for i in range(7):
        DeviceFactory(
            owner=world.berg, asset_number=f"H{i}", model=defib if i % 2 else other, serial_number=f"HX{i}"
        )
        DeviceFactory(owner=world.berg, asset_number=f"K{i}", model=defib)
    seen: list[str] = []
    cursor = None
    while True:
        page = selectors.device_list(
            user=world.admin, filters=DeviceFilter(q="defibrillator"), cursor=cursor, limit=3
        )
        seen += [d.asset_number for d in page.items]
        assert page.count == 10 and page.count_exact
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == ["H1", "H3", "H5", "K0", "K1", "K2", "K3", "K4", "K5", "K6"]


def test_filters_combine(world: Any) -> None:
    DeviceFactory(owner=world.berg, asset_number="A", status="in_use")
    DeviceFactory(owner=world.berg, asset_number="B", status="blocked")
    DeviceFactory(owner=world.ostersund, asset_number="C", status="blocked")
    page = selectors.device_list(
        user=world.admin, filters=DeviceFilter(owner=world.berg.pk, status="blocked")
    )
    assert [d.asset_number for d in page.items] == ["B"]


def test_device_list_takes_a_fixed_number_of_queries(world: Any, django_assert_max_num_queries: Any) -> None:
    for i in range(30):
        DeviceFactory(owner=world.berg, asset_number=f"Q{i:02d}")
    with django_assert_max_num_queries(5):
        page = selectors.device_list(user=world.admin, filters=DeviceFilter())
        [(d.model.manufacturer.name, d.owner.name, d.location) for d in page.items]


def test_device_find_by_asset_number_ignores_case(world: Any) -> None:
    device = DeviceFactory(owner=world.berg, asset_number="MT-77")
    assert selectors.device_find(user=world.admin, code="mt-77") == device


def test_device_find_by_scanned_udi(world: Any) -> None:
    device = DeviceFactory(owner=world.berg, udi_di=GTIN, serial_number="S1")
    assert selectors.device_find(user=world.admin, code=f"(01){GTIN}(21)S1") == device


def test_device_find_does_not_reveal_another_tenants_device(world: Any) -> None:
    DeviceFactory(owner=world.foreign, asset_number="F-1")
    assert selectors.device_find(user=world.admin, code="F-1") is None


def test_counts_now_leave_out_devices_that_left_the_register(world: Any) -> None:
    DeviceFactory(owner=world.berg, status="in_use")
    DeviceFactory(owner=world.berg, status="scrapped")
    DeviceFactory(owner=world.ostersund)
    assert selectors.device_counts_now(user=world.admin) == {world.berg.pk: 1, world.ostersund.pk: 1}


def test_counts_as_of_a_date_follow_the_ownership_history(world: Any) -> None:
    moved = register(world, "H1", world.berg, dt.date(2025, 1, 10))
    register(world, "H2", world.berg, dt.date(2025, 2, 1))
    register(world, "H3", world.berg, dt.date(2025, 8, 1))
    services.device_change_owner(
        user=world.admin, device=moved, owner=world.ostersund, occurred_at=at(dt.date(2025, 7, 1))
    )
    assert selectors.device_counts_as_of(user=world.admin, day=dt.date(2025, 6, 30)) == {world.berg.pk: 2}
    assert selectors.device_counts_as_of(user=world.admin, day=dt.date(2025, 8, 1)) == {
        world.berg.pk: 2,
        world.ostersund.pk: 1,
    }


def test_counts_as_of_a_date_leave_out_a_device_scrapped_before_it(world: Any) -> None:
    device = register(world, "S1", world.berg, dt.date(2024, 1, 1))
    for status, day in (("surplus", 2), ("decommissioned", 3), ("scrapped", 4)):
        services.device_change_status(
            user=world.admin, device=device, status=status, occurred_at=at(dt.date(2025, 3, day))
        )
    assert selectors.device_counts_as_of(user=world.admin, day=dt.date(2025, 3, 1)) == {world.berg.pk: 1}
    assert selectors.device_counts_as_of(user=world.admin, day=dt.date(2025, 3, 4)) == {}


def test_counts_as_of_a_date_are_scoped_to_the_user(world: Any) -> None:
    register(world, "V1", world.berg, dt.date(2025, 1, 1))
    register(world, "V2", world.ostersund, dt.date(2025, 1, 1))
    assert selectors.device_counts_as_of(user=world.berg_contact, day=dt.date(2025, 6, 30)) == {
        world.berg.pk: 1
    }


def test_devices_owned_on_a_day_lists_the_billing_basis(world: Any) -> None:
    device = register(world, "D1", world.berg, dt.date(2025, 1, 1))
    register(world, "D2", world.berg, dt.date(2025, 12, 1))
    assert selectors.devices_owned_on(user=world.admin, owner=world.berg, day=dt.date(2025, 6, 30)) == [
        device.pk
    ]


def test_owner_shares_are_the_source_table_1(demo: Any) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="mt-admin")
    shares = selectors.device_owner_shares(user=user, day=dt.date(2025, 6, 30))
    by_name = {str(r["owner"]): (r["count"], str(r["share"])) for r in shares["rows"]}
    assert shares["total"] == 923
    assert by_name["Bergs kommun"] == (50, "5.4")
    assert str(shares["total_share"]) == "100.0"


def test_a_search_with_a_nul_character_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError) as exc:
        DeviceFilter.from_params({"q": "a\x00b"})
    assert list(exc.value.message_dict) == ["q"]
