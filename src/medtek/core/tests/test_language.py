"""The pages speak Swedish first; English is one click away; API scripts may ask for English."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

import medtek

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


def test_an_api_date_that_is_no_date_is_refused_in_swedish(world):
    from medtek.inventory.tests.factories import DeviceFactory
    from medtek.organizations.services import token_create

    device = DeviceFactory(owner=world.berg)
    _token, key = token_create(username=world.admin.username, name="date test")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").post(
        f"/api/v1/devices/{device.pk}/status",
        {"status": "out_of_service", "effective_date": "igår"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"]["effective_date"] == ["Ange ett datum som ÅÅÅÅ-MM-DD."]


def _catalogs() -> list[Path]:
    root = Path(medtek.__file__).resolve().parent
    return sorted(root.glob("**/locale/sv/LC_MESSAGES/django.po"))


@pytest.mark.parametrize("po_path", _catalogs(), ids=lambda p: p.parts[-5])
def test_every_swedish_catalog_is_complete_and_compiled(po_path: Path) -> None:
    """Every message has its Swedish text, none is a guess, and the shipped .mo says the same."""
    import polib

    po = polib.pofile(str(po_path))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    compiled = {
        (e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural)
        for e in polib.mofile(str(po_path.with_suffix(".mo")))
    }
    source = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in po.translated_entries()}
    assert compiled == source, "run `make messages` to compile the catalog"
