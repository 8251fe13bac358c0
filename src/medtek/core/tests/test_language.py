"""The pages speak Swedish first; English is one click away; API scripts may ask for English."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_an_english_language_browser_still_gets_swedish_pages():
    html = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/login/").content.decode()
    assert '<html lang="sv">' in html
    assert "<h1>Logga in</h1>" in html


def test_the_switch_turns_the_pages_english_and_back():
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "<h1>Log in</h1>" in client.get("/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "sv", "next": "/login/"})
    assert "<h1>Logga in</h1>" in client.get("/login/").content.decode()


def test_an_api_script_gets_swedish_errors_unless_it_asks_for_english(world):
    from medtek.inventory.tests.factories import DeviceFactory
    from medtek.organizations.services import token_create

    device = DeviceFactory(owner=world.berg)
    _token, key = token_create(username=world.admin.username, name="language test")
    url = f"/api/v1/devices/{device.pk}/status"

    def reason(**headers: str) -> str:
        client = Client(HTTP_AUTHORIZATION=f"Bearer {key}", **headers)
        response = client.post(url, {"status": "sold"}, content_type="application/json")
        return str(response.json()["errors"]["status"][0])

    assert reason(HTTP_ACCEPT_LANGUAGE="en").startswith("A device that is 'In use' cannot become 'Sold'")
    assert not reason().startswith("A device that is")
