"""Finding devices by what people call them, filtering, saving the filter and moving the selection."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit


def test_search_filters_a_saved_filter_and_a_bulk_move(page: Any, login: Any) -> None:
    login(page, "mt-admin")
    page.goto("/devices/")
    page.fill("#device-filters input[name=q]", "defibrillator")
    page.click("#device-filters button[type=submit]")
    page.wait_for_url(re.compile(r"q=defibrillator"))
    rows = page.locator("table.devices tbody tr")
    assert rows.count() > 0
    assert all("Defibrillator" in text for text in rows.all_inner_texts())

    # The filters: one owner and one device type, kept in the URL.
    owner = page.locator("#device-filters select[name=owner] option", has_text="Berg").first
    page.select_option("#device-filters select[name=owner]", owner.get_attribute("value"))
    page.fill("#device-filters input[name=q]", "")
    page.select_option("#device-filters select[name=category]", "Defibrillator")
    page.click("#device-filters button[type=submit]")
    page.wait_for_url(re.compile(r"category=Defibrillator"))
    count = int(re.sub(r"\D", "", page.locator("#device-count").inner_text()))
    assert count == page.locator("table.devices tbody tr").count() > 0
    filtered_url = page.url

    # Saved under a name, it opens the same list again.
    page.fill("#save-filter input[name=name]", "Bergs hjärtstartare")
    page.click("#save-filter button[type=submit]")
    page.goto("/devices/")
    page.click("#saved-filters a:has-text('Bergs hjärtstartare')")
    page.wait_for_url(re.compile(r"category=Defibrillator"))

    def params(url: str) -> dict[str, str]:
        return {k: v for k, v in parse_qsl(urlsplit(url).query) if (k, v) != ("sort", "asset_number")}

    assert params(page.url) == params(filtered_url)

    # Moving the whole selection: the confirmation says how many, then every device is there.
    page.click("#bulk-actions a:has-text('Flytta')")
    assert page.locator("#bulk-count").inner_text() == f"Filtret väljer {count} inventarier."
    option = page.locator("#bulk-form select[name=new-location] option").nth(1)
    placement = option.inner_text().split(" – ")[-1]
    page.select_option("#bulk-form select[name=new-location]", option.get_attribute("value"))
    page.click("#bulk-form button[type=submit]")
    page.wait_for_url(re.compile(r"/devices/\?.*category=Defibrillator"))
    assert "flyttade" in page.locator("main").inner_text() or "flyttad" in page.locator("main").inner_text()
    cells = page.locator("table.devices tbody td:nth-child(5)").all_inner_texts()
    assert len(cells) == count and set(cells) == {placement}
