"""Notifications in a real browser, on the demo data: a P1 fault assigned by MT reaches the technician
in the app, with the unread count in the header."""

from __future__ import annotations

from typing import Any


def test_a_p1_fault_assigned_by_mt_shows_in_the_technicians_header_and_list(
    page: Any, browser: Any, live_server_url: str, login: Any
) -> None:
    berg_context = browser.new_context(base_url=live_server_url)
    try:
        berg = berg_context.new_page()
        login(berg, "berg")
        berg.goto("/devices/")
        berg.locator("table.devices tbody a").first.click()
        berg.click("#device-links >> text=Felanmäl eller be om råd")
        berg.fill("#id_title", "Defibrillatorn startar inte")
        with berg.expect_navigation():
            berg.click("main form button[type=submit]")
        work_order_url = berg.url
        berg.goto("/notifications/")
        assert "Mottaget: " in berg.locator("#notifications").inner_text()
    finally:
        berg_context.close()

    login(page, "mt-admin")
    page.goto(work_order_url)
    page.select_option("#id_priority", value="P1")
    page.select_option(
        "#id_assigned_to", label=page.locator("#id_assigned_to option", has_text="Lind").first.inner_text()
    )
    with page.expect_navigation():
        page.click("#triage button[type=submit]")
    number = page.locator("h1").inner_text().split()[0]

    tech_context = browser.new_context(base_url=live_server_url)
    try:
        tech = tech_context.new_page()
        login(tech, "mt-tech")
        assert "Aviseringar (" in tech.locator("#unread-count").inner_text()
        tech.click("#unread-count")
        assert (
            f"Tilldelad dig (P1): {number} Defibrillatorn startar inte"
            in tech.locator("#notifications").inner_text()
        )
    finally:
        tech_context.close()
