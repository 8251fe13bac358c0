"""The joint evaluation of the agreement in a real browser, on the demo data: Berg tells MT that a care
unit closes and MT acknowledges it; mt-admin starts the 2026 evaluation of RJH-MT-2026, writes a
conclusion, agrees an action with an owner and a date, records the report to both arenas, marks the
action done and downloads the report PDF, which names both arenas, the conclusion and the action."""

from __future__ import annotations

import re
from typing import Any

from medtek.core.tests.pdftext import pdf_text


def _open_agreement(page: Any, reference: str) -> None:
    page.goto("/agreements/")
    page.locator("a", has_text=reference).first.click()
    page.wait_for_load_state()


def _accept_the_question(page: Any) -> list[str]:
    """A step that cannot be undone asks first; the user agrees. Returns what was asked."""
    asked: list[str] = []

    def accept(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    return asked


def test_berg_gives_notice_of_a_closing_unit_and_mt_acknowledges_it(
    page: Any, browser: Any, live_server_url: str, login: Any
) -> None:
    berg_context = browser.new_context(base_url=live_server_url)
    try:
        berg = berg_context.new_page()
        login(berg, "berg")
        _open_agreement(berg, "RJH-MT-2026")
        berg.click("#change-notices summary")
        berg.select_option("#change-notices select[name=kind]", value="closed_unit")
        berg.fill("#change-notices textarea[name=description]", "Korttidsboendet Björkbacken stänger i höst.")
        with berg.expect_navigation():
            berg.click("#change-notices form button[type=submit]")
        row = berg.locator("#change-notices tr", has_text="Björkbacken")
        assert "Väntar på kvittens" in row.inner_text()
    finally:
        berg_context.close()

    login(page, "mt-admin")
    _open_agreement(page, "RJH-MT-2026")
    row = page.locator("#change-notices tr", has_text="Björkbacken")
    row.locator("input[name=response]").fill("Vi hämtar utrustningen.")
    asked = _accept_the_question(page)
    with page.expect_navigation():
        row.locator("button", has_text="Kvittera").click()
    assert asked == ["Kvittera meddelandet? En kvittens kan inte tas tillbaka."]
    assert "Kvitterad" in page.locator("#change-notices tr", has_text="Björkbacken").inner_text()


def test_mt_admin_walks_the_2026_evaluation_to_the_report(
    page: Any, live_server_url: str, login: Any
) -> None:
    login(page, "mt-admin")
    _open_agreement(page, "RJH-MT-2026")
    page.fill("#evaluations input[name=year]", "2026")
    with page.expect_navigation():
        page.click("#start-evaluation")
    assert re.search(r"/agreements/evaluations/\d+/$", page.url)
    assert "Uppföljning och utvärdering 2026" in page.locator("h1").inner_text()

    page.fill(
        "textarea[name=conclusions]", "FU i tid har ökat; rådgivningen ryms i den begränsade omfattningen."
    )
    page.fill("textarea[name=mt_assessment]", "Stödet fungerar väl.")
    with page.expect_navigation():
        page.click("#save-evaluation")
    assert "Utvärderingen är sparad." in page.content()

    page.click("#actions summary")
    page.fill("#actions textarea[name=description]", "Gemensam genomgång av inventarielistan")
    page.select_option("#actions select[name=owner_party]", label="Östersunds kommun")
    page.fill("#actions input[name=owner_name]", "MAS Östersund")
    page.fill("#actions input[name=due_on]", "2027-03-31")
    with page.expect_navigation():
        page.click("#add-action")
    row = page.locator("#actions tbody tr", has_text="inventarielistan")
    assert "MAS Östersund, Östersunds kommun" in row.inner_text()
    assert "2027-03-31" in row.inner_text()

    asked = _accept_the_question(page)
    with page.expect_navigation():
        page.click("button:has-text('Registrera som avrapporterad')")
    assert asked == ["Registrera rapporten som skickad till de valda arenorna? Det går inte att ångra."]
    reported = page.locator("#reported-to").inner_text()
    assert "Lokal samverkansarena" in reported and "Länsövergripande tjänstepersonsarena" in reported

    asked = _accept_the_question(page)
    with page.expect_navigation():
        page.locator("#actions tbody tr", has_text="inventarielistan").locator("button").click()
    assert asked == ["Markera åtgärden som klar? Det går inte att ångra."]
    assert "Markera klar" not in page.locator("#actions tbody tr", has_text="inventarielistan").inner_text()

    with page.expect_download() as download:
        page.click("#evaluation-pdf")
    path = download.value.path()
    with open(path, "rb") as f:
        body = f.read()
    assert body[:4] == b"%PDF"
    text = pdf_text(body)
    assert "Lokal samverkansarena" in text and "Länsövergripande tjänstepersonsarena" in text
    assert "FU i tid har ökat" in text
    assert "Gemensam genomgång av inventarielistan" in text
