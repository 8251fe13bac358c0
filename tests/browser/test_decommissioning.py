"""Surplus in a real browser, on the demo data: a Region Halland unit registers a bed from its page in
the register, MTH decides to donate it to Human Bridge, works the checklist, ships it, and the bed
leaves the register while the donation report lists it."""

from __future__ import annotations

import re
from typing import Any


def accept_next_dialog(page: Any) -> None:
    page.once("dialog", lambda dialog: dialog.accept())


def test_a_bed_registered_as_surplus_is_donated_to_human_bridge(
    page: Any, browser: Any, live_server_url: str, login: Any
) -> None:
    # The unit finds one of its beds in the register and registers it as surplus from its page.
    unit_context = browser.new_context(base_url=live_server_url)
    try:
        unit = unit_context.new_page()
        login(unit, "halland-unit")
        unit.goto("/devices/?q=MTH")
        unit.locator("table.devices tbody tr", has_text="Enterprise 9000").first.locator("a").first.click()
        unit.wait_for_load_state()
        device_url = unit.url
        asset = unit.locator("h1").inner_text().split()[0]
        unit.click("#device-links >> text=Registrera som övertalig")
        unit.wait_for_load_state()
        assert unit.locator("input[name=asset_1]").input_value() == asset
        unit.select_option("select[name=reason]", value="no_longer_needed")
        with unit.expect_navigation():
            unit.click("main form button[type=submit]")
        assert re.search(r"/decommissioning/cases/\d+/$", unit.url)
    finally:
        unit_context.close()

    # MTH decides: donation to Human Bridge (after the confirmation), then the checklist.
    login(page, "mth")
    page.goto("/decommissioning/")
    page.locator("a", has_text=asset).first.click()
    page.wait_for_load_state()
    page.select_option("#decision select[name=disposition]", value="donate")
    page.select_option("#decision select[name=recipient]", label="Human Bridge")
    accept_next_dialog(page)
    with page.expect_navigation():
        page.click("#decision button[type=submit]")
    assert "RS130364" in page.locator("main").inner_text()
    for step in ("inventory_listing", "deregistration", "responsibility_clarified"):
        page.select_option("#checklist select[name=step]", value=step)
        with page.expect_navigation():
            page.click("#checklist button[type=submit]")
    assert page.locator("#checklist .badge.warn").count() == 0

    # The bed ships to Human Bridge; handed over, it leaves the register.
    page.goto("/decommissioning/shipments/new/")
    page.locator("label", has_text=asset).locator("input[type=checkbox]").check()
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    shipment_url = page.url
    manifest = page.request.get(shipment_url + "manifest.pdf")
    assert manifest.ok and manifest.body().startswith(b"%PDF")
    accept_next_dialog(page)
    with page.expect_navigation():
        page.click("main form[action$='hand-over/'] button[type=submit]")

    page.goto(device_url)
    assert page.locator("#device-status").inner_text().startswith("Skänkt")
    assert "lämnat registret" in page.locator("#device-status").inner_text()
    page.goto("/decommissioning/report/")
    assert "Human Bridge" in page.locator("main").inner_text()
