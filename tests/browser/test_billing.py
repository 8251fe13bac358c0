"""Billing in a real browser, on the demo data: the source's fixed run for 2025H2 and its Table 1,
issuing an invoice (after the confirmation), its Peppol XML, and what Berg's contact sees."""

from __future__ import annotations

import re
from typing import Any

TABLE_1 = {
    "Bergs kommun": ("50", "5,4 %"),
    "Bräcke kommun": ("60", "6,5 %"),
    "Härjedalens kommun": ("96", "10,4 %"),
    "Krokoms kommun": ("90", "9,8 %"),
    "Ragunda kommun": ("41", "4,4 %"),
    "Strömsunds kommun": ("152", "16,5 %"),
    "Åre kommun": ("53", "5,7 %"),
    "Östersunds kommun": ("381", "41,3 %"),
}


def test_the_fixed_run_for_2025h2_is_billed_issued_and_seen_by_berg_alone(
    page: Any, browser: Any, live_server_url: str, login: Any
) -> None:
    login(page, "mt-admin")

    # The basis report reproduces the source's Table 1 and total.
    page.goto("/billing/basis/")
    agreement = page.locator("select[name=agreement] option", has_text="RJH-MT-2024").get_attribute("value")
    page.select_option("select[name=agreement]", value=agreement)
    page.fill("input[name=period]", "2025H2")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("#basis-total").inner_text() == "126\u00a0112,90 kr"
    rows = {
        cells[0]: (cells[1], cells[2])
        for cells in (r.locator("td").all_inner_texts() for r in page.locator("#basis tbody tr").all())
    }
    assert rows == TABLE_1

    # The run drafts one invoice per municipality; Berg's is issued after the confirmation.
    page.goto("/billing/runs/")
    page.select_option("select[name=part]", value="fixed")
    page.fill("input[name=period]", "2025H2")
    with page.expect_navigation():
        page.click("#run-form button[type=submit]")
    page.locator("#billing-result").wait_for(timeout=30000)  # the billing job is done
    with page.expect_navigation():
        page.click("#run-drafts")
    drafts = page.locator("#drafts tbody tr", has_text="Fast del 2025H2")
    assert drafts.count() == 8
    drafts.filter(has_text="Bergs kommun").locator("a").click()
    page.wait_for_load_state()
    invoice_url = page.url
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#issue")
    assert page.locator("#invoice-status").inner_text() == "Utfärdad"
    number = page.locator("h1").inner_text().split()[-1]
    assert re.fullmatch(r"[A-Z]+\d{6}", number)

    xml = page.request.get(page.locator("a", has_text="Peppol XML").get_attribute("href") or "").text()
    assert f"<cbc:ID>{number}</cbc:ID>" in xml
    assert 'schemeID="0007"' in xml and "<cbc:BuyerReference>" in xml

    # Berg's contact sees its invoice; another municipality's answers 404.
    page.goto("/billing/runs/")
    bracke_url = (
        page.locator("#drafts tbody tr", has_text="Bräcke kommun").first.locator("a").get_attribute("href")
    )
    berg_context = browser.new_context(base_url=live_server_url)
    try:
        berg = berg_context.new_page()
        login(berg, "berg")
        berg.goto("/billing/")
        assert number in berg.locator("#invoices").inner_text()
        assert "Bräcke" not in berg.locator("#invoices").inner_text()
        assert berg.goto(invoice_url).status == 200
        assert berg.goto(bracke_url or "/").status == 404
    finally:
        berg_context.close()


def test_declining_the_confirmation_leaves_the_invoice_a_draft(page: Any, login: Any) -> None:
    login(page, "mt-admin")
    page.goto("/billing/runs/")
    page.select_option("select[name=part]", value="fixed")
    page.fill("input[name=period]", "2025H2")
    with page.expect_navigation():
        page.click("#run-form button[type=submit]")
    page.locator("#billing-result").wait_for(timeout=30000)  # the billing job is done
    with page.expect_navigation():
        page.click("#run-drafts")
    page.locator("#drafts tbody tr", has_text="Ragunda kommun").first.locator("a").click()
    page.wait_for_load_state()
    messages: list[str] = []

    def decline(dialog: Any) -> None:
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", decline)
    with page.expect_event("dialog"):
        page.click("#issue")
    assert messages and messages[0].startswith("Utfärda fakturan?")
    page.reload()
    assert page.locator("#invoice-status").inner_text() == "Utkast"
