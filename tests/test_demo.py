"""The demo data holds exactly the source's register (Table 1) and one user per role."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management import call_command

from medtek.inventory.selectors import device_counts_as_of, device_owner_shares
from medtek.organizations.models import Organisation

TABLE_1 = {
    "Bergs kommun": 50,
    "Bräcke kommun": 60,
    "Härjedalens kommun": 96,
    "Krokoms kommun": 90,
    "Ragunda kommun": 41,
    "Strömsunds kommun": 152,
    "Åre kommun": 53,
    "Östersunds kommun": 381,
}


def test_mt_admin_sees_the_sources_923_devices_with_table_1_shares(demo):
    admin = demo["users"]["mt-admin"]
    table = device_owner_shares(user=admin)
    assert {row["owner"].name: row["count"] for row in table["rows"]} == TABLE_1
    assert table["total"] == 923
    assert [str(row["share"]) for row in table["rows"]] == [
        "5.4",
        "6.5",
        "10.4",
        "9.8",
        "4.4",
        "16.5",
        "5.7",
        "41.3",
    ]
    assert str(table["total_share"]) == "100.0"


def test_counts_at_the_sources_date_are_the_sources_counts(demo):
    counts = device_counts_as_of(user=demo["users"]["mt-admin"], day=dt.date(2025, 6, 30))
    names = dict(Organisation.objects.filter(pk__in=counts).values_list("pk", "name"))
    assert {names[pk]: n for pk, n in counts.items()} == TABLE_1


def test_counts_at_an_earlier_date_are_smaller(demo):
    earlier = device_counts_as_of(user=demo["users"]["mt-admin"], day=dt.date(2020, 1, 1))
    assert 0 < sum(earlier.values()) < 923


def test_a_municipality_contact_sees_only_its_own_devices(demo):
    table = device_owner_shares(user=demo["users"]["berg"])
    assert [(row["owner"].name, row["count"]) for row in table["rows"]] == [("Bergs kommun", 50)]


def test_every_demo_user_logs_in_with_password_demo(demo):
    names = ["mt-admin", "mt-tech", "auditor", "finance", "mth", "hmc", "forskrivare", "halland-unit"]
    names += ["berg", "bracke", "harjedalen", "krokom", "ragunda", "stromsund", "are", "ostersund"]
    for name in names:
        assert get_user_model().objects.get(username=name).check_password("demo"), name


def test_demo_data_command_does_not_load_twice(demo, capsys):
    call_command("demo-data", "--if-empty")
    assert "not loaded again" in capsys.readouterr().out
    assert Organisation.objects.filter(short_code="BERG").count() == 1
