"""HMC's loan list: its rows, a count that stops at the cap, and a query count that does not grow with
the rows."""

import pytest
from django.test import Client

from medtek.assistive import selectors, services
from medtek.assistive.tests.conftest import OTHER_VALID, VALID


def lend(w, identity, item):
    p = services.prescription_create(
        user=w.prescriber_user,
        patient_identity=identity,
        article=w.lift,
        need="Förflyttning",
        delivery_address="Storgatan 1",
    )
    return services.loan_dispense(user=w.hmc, prescription=p, item=item.device)


@pytest.fixture
def lent(hmc_world):
    hmc_world.loans = [
        lend(hmc_world, VALID, hmc_world.items[0]),
        lend(hmc_world, OTHER_VALID, hmc_world.items[1]),
    ]
    return hmc_world


def test_the_loan_list_shows_each_loans_item_article_and_organisation(lent):
    page = selectors.loan_page(user=lent.hmc, limit=50)
    rows = [
        (loan.item.device.asset_number, loan.item.article.name, loan.organisation.name) for loan in page.items
    ]
    assert rows == [
        ("HMC-T1", "Personlyft, mobil", "Halmstads kommun"),
        ("HMC-T0", "Personlyft, mobil", "Halmstads kommun"),
    ]


def test_the_loan_list_api_counts_only_when_asked(lent):
    client = Client()
    client.force_login(lent.hmc)
    assert client.get("/api/v1/assistive/loans").json()["count"] is None
    counted = client.get("/api/v1/assistive/loans?count=true").json()
    assert (counted["count"], counted["count_exact"]) == (2, True)


def test_the_loan_lists_count_stops_at_the_cap(lent, monkeypatch):
    monkeypatch.setattr(selectors, "LOAN_COUNT_CAP", 1)
    page = selectors.loan_page(user=lent.hmc, limit=50, with_count=True)
    assert (page.count, page.count_exact, len(page.items)) == (1, False, 2)


def test_the_loan_list_api_reads_a_fixed_number_of_queries(lent, django_assert_max_num_queries):
    client = Client()
    client.force_login(lent.hmc)
    client.get("/api/v1/assistive/loans")
    with django_assert_max_num_queries(10):
        body = client.get("/api/v1/assistive/loans").json()
    assert [row["asset_number"] for row in body["items"]] == ["HMC-T1", "HMC-T0"]
