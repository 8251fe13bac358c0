"""The agreement follow-up, read by reports at the addresses it always had: the page (and its XLSX),
the API, and the evaluation PDF; a party sees its own row only, another tenant nothing."""

from typing import Any

from django.test import Client
from django.utils import timezone

from medtek.agreements.tests.factories import AgreementFactory


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(user)
    return client


def test_the_follow_up_page_shows_each_party_of_the_agreement(world: Any) -> None:
    agreement = AgreementFactory(provider=world.mt, customers=[world.berg])
    year = timezone.localdate().year
    response = client_for(world.admin).get("/billing/followup/", {"agreement": agreement.pk, "year": year})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Uppföljning av överenskommelsen</h1>" in page
    assert world.berg.name in page[page.index('id="followup"') :]


def test_the_follow_up_downloads_as_xlsx(world: Any) -> None:
    agreement = AgreementFactory(provider=world.mt, customers=[world.berg])
    year = timezone.localdate().year
    response = client_for(world.admin).get(
        "/billing/followup/", {"agreement": agreement.pk, "year": year, "format": "xlsx"}
    )
    assert response.status_code == 200
    assert f"uppfoljning-{agreement.reference}-{year}.xlsx" in response["Content-Disposition"]


def test_the_follow_up_api_gives_the_partys_row(world: Any) -> None:
    agreement = AgreementFactory(provider=world.mt, customers=[world.berg])
    year = timezone.localdate().year
    response = client_for(world.admin).get(
        "/api/v1/billing/followup", {"agreement_id": agreement.pk, "year": year}
    )
    body = response.json()
    assert response.status_code == 200
    assert (body["agreement_id"], body["year"]) == (agreement.pk, year)
    assert [r["customer"] for r in body["rows"]] == [world.berg.name]


def test_another_tenants_agreement_is_not_found_in_the_follow_up(world: Any) -> None:
    theirs = AgreementFactory(provider=world.other_mt, customers=[world.foreign])
    year = timezone.localdate().year
    response = client_for(world.admin).get(
        "/api/v1/billing/followup", {"agreement_id": theirs.pk, "year": year}
    )
    assert response.status_code == 404
