"""A field safety notice in a real browser, on the demo data: MT registers it for one infusion-pump
model and a lot range, finds the affected devices of three municipalities, creates the corrective work
orders in one action; Berg sees and acknowledges the notice for its own devices only; a technician
completes the work on a phone; the notice's report shows every device's outcome."""

from __future__ import annotations

import re
from typing import Any


def accept_next_dialog(page: Any) -> None:
    page.once("dialog", lambda dialog: dialog.accept())


def test_a_notice_for_infusion_pumps_is_found_corrected_acknowledged_and_reported(
    page: Any, browser: Any, live_server_url: str, login: Any
) -> None:
    login(page, "mt-admin")
    page.click("nav.main-nav >> text=Säkerhetsmeddelanden")
    page.click("text=Registrera ett säkerhetsmeddelande")
    page.select_option("select[name=manufacturer]", label="B. Braun")
    page.fill("input[name=reference]", "FSN-2026-IS-BROWSER")
    page.fill("input[name=title]", "Infusomat Space: luckan kan spricka")
    page.fill("input[name=issued_on]", "2026-03-02")
    page.select_option("select[name=action]", value="replace_part")
    page.select_option("select[name=urgency]", value="high")
    page.select_option("select[name=models]", label="B. Braun Infusomat Space")
    page.fill("textarea[name=lots]", "IS2401..IS2406")
    with page.expect_navigation():
        page.click("#notice-form button[type=submit]")
    assert re.search(r"/safety/notices/\d+/$", page.url)
    notice_url = page.url

    with page.expect_navigation():
        page.click("#search-devices")
    customers = page.locator("#customers tbody tr td:first-child").all_inner_texts()
    assert sorted(customers) == ["Bergs kommun", "Bräcke kommun", "Härjedalens kommun"]
    found = int(page.locator("#progress-found").inner_text())
    accept_next_dialog(page)
    with page.expect_navigation():
        page.click("#create-work-orders")
    assert f"{found} arbetsordrar" in page.locator(".messages").inner_text()

    # Berg sees the notice and only its own devices, and acknowledges it.
    berg_context = browser.new_context(base_url=live_server_url)
    try:
        berg = berg_context.new_page()
        login(berg, "berg")
        berg.goto("/safety/")
        berg.click("text=FSN-2026-IS-BROWSER")
        assert berg.locator("#customers tbody tr td:first-child").all_inner_texts() == ["Bergs kommun"]
        assert set(berg.locator("#devices tbody tr td:nth-child(2)").all_inner_texts()) == {"Bergs kommun"}
        with berg.expect_navigation():
            berg.click("#acknowledge button[type=submit]")
        assert "Meddelandet kvitterat för Bergs kommun" in berg.locator(".messages").inner_text()
    finally:
        berg_context.close()

    # The technician completes one pump's work on a phone.
    phone_context = browser.new_context(
        base_url=live_server_url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        phone = phone_context.new_page()
        login(phone, "mt-tech")
        phone.goto(notice_url)
        phone.locator("#devices tbody tr", has_text="Bergs kommun").first.locator("td:last-child a").click()
        phone.wait_for_load_state()
        with phone.expect_navigation():
            phone.click("#wo-actions >> text=Påbörja arbete")
        phone.fill("#wo-actions input[name=resolution]", "Luckan bytt mot reservdel 8713050")
        with phone.expect_navigation():
            phone.click("#wo-actions >> text=Markera som utfört")
    finally:
        phone_context.close()

    page.goto(notice_url + "report/")
    outcomes = page.locator("#report tbody td.outcome").all_inner_texts()
    assert len(outcomes) == found
    assert outcomes.count("Åtgärdad") == 1
    assert set(outcomes) == {"Åtgärdad", "Ej kontrollerad"}
    pdf = page.request.get(notice_url + "report.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
