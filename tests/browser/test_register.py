"""The register's main flow in a real browser, on the demo data (Swedish by default)."""

from __future__ import annotations

import re
from typing import Any

TABLE_1_SHARES = ["5,4 %", "6,5 %", "10,4 %", "9,8 %", "4,4 %", "16,5 %", "5,7 %", "41,3 %"]


def device_count(page: Any) -> int:
    text = page.locator("#device-count").inner_text()
    match = re.match(r"([\d\s\xa0]+) inventari", text)
    assert match, text
    return int(re.sub(r"\D", "", match.group(1)))


def test_berg_sees_its_50_devices_and_not_ostersunds(
    page: Any, browser: Any, live_server_url: str, login: Any
) -> None:
    # An Östersund device's address, as Östersund's own contact sees it.
    other = browser.new_context(base_url=live_server_url)
    try:
        ost = other.new_page()
        login(ost, "ostersund")
        ost.goto("/devices/")
        ost_url = ost.locator("table.devices tbody a").first.get_attribute("href")
    finally:
        other.close()

    login(page, "berg")
    page.goto("/devices/")
    assert page.locator("nav.main-nav a[aria-current=page]").inner_text() == "Inventarier"
    assert page.locator("#device-count").inner_text() == "50 inventarier"
    assert page.locator("table.devices tbody tr").count() == 50
    assert page.locator("a[rel=next]").count() == 0
    response = page.goto(ost_url)
    assert response is not None and response.status == 404


def test_start_page_shows_table_1_live_and_as_of_a_date(page: Any, login: Any) -> None:
    login(page, "mt-admin")
    shares = page.locator("#owner-shares")
    assert "100,0 %" in shares.locator("tfoot").inner_text()

    page.fill("#owner-shares input[name=as_of]", "2025-06-30")
    page.click("#owner-shares button[type=submit]")
    page.wait_for_url(re.compile(r"as_of=2025-06-30"))
    cells = [c.strip() for c in page.locator("#owner-shares tbody td:nth-child(3)").all_inner_texts()]
    assert cells == TABLE_1_SHARES
    footer = page.locator("#owner-shares tfoot").inner_text()
    assert "923" in footer and "100,0 %" in footer

    page.fill("#owner-shares input[name=as_of]", "2018-01-01")
    page.click("#owner-shares button[type=submit]")
    page.wait_for_url(re.compile(r"as_of=2018-01-01"))
    total = int(re.sub(r"\D", "", page.locator("#owner-shares tfoot td.num").first.inner_text()))
    assert 0 < total < 923


def test_import_reports_a_bad_row_writes_nothing_then_imports_the_fixed_file(page: Any, login: Any) -> None:
    login(page, "mt-admin")
    page.goto("/devices/?owner=" + owner_id(page, "Krokoms kommun"))
    before = device_count(page)

    bad = "asset_number;model;owner\nBRW-1;Infusomat Space;KROKOM\nBRW-2;Ingen sådan modell;KROKOM\n"
    upload(page, "inventarier.csv", bad)
    assert "Inget sparades" in page.locator("#import-result").inner_text()
    rows = page.locator("table.import-errors tbody tr")
    assert rows.count() == 1
    cells = rows.first.locator("td").all_inner_texts()
    assert cells == ["2", "3", "model", "Okänd modell 'Ingen sådan modell'."]

    page.go_back()
    page.goto("/devices/?owner=" + owner_id(page, "Krokoms kommun"))
    assert device_count(page) == before

    upload(page, "inventarier.csv", bad.replace("Ingen sådan modell", "B. Braun Infusomat Space"))
    assert page.locator("#import-result").inner_text() == "2 inventarier importerade."
    assert page.locator(".job-state").inner_text() == "Klar"
    assert page.locator('[data-job-field="checked"]').inner_text() == "2"
    assert page.locator('[data-job-field="written"]').inner_text() == "2"
    page.goto("/devices/?owner=" + owner_id(page, "Krokoms kommun"))
    assert device_count(page) == before + 2


def test_language_switches_to_english_and_back(page: Any, login: Any) -> None:
    login(page, "berg")
    page.goto("/devices/")
    assert page.locator("h1").inner_text() == "Inventarier"
    page.click("form.lang button[value=en]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Devices"
    assert page.locator("#device-count").inner_text() == "50 devices"
    page.click("form.lang button[value=sv]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Inventarier"


def test_technician_scans_a_device_on_a_phone(browser: Any, live_server_url: str, login: Any) -> None:
    context = browser.new_context(base_url=live_server_url, viewport={"width": 390, "height": 844})
    try:
        phone = context.new_page()
        login(phone, "mt-tech")
        phone.goto("/devices/")
        phone.fill("#find-code", "MT100001")
        phone.press("#find-code", "Enter")
        phone.wait_for_url(re.compile(r"/devices/\d+/$"))
        assert phone.locator("h1").inner_text().startswith("MT100001")
    finally:
        context.close()


def owner_id(page: Any, name: str) -> str:
    page.goto("/organisations/")
    href = page.locator("table.organisations a", has_text=name).get_attribute("href")
    assert href
    return href.strip("/").split("/")[-1]


def upload(page: Any, filename: str, content: str) -> None:
    """Import a file and wait on its job's page until the worker has run it (the page reloads then)."""
    page.goto("/devices/import/")
    page.set_input_files(
        "input[name=file]", files=[{"name": filename, "mimeType": "text/csv", "buffer": content.encode()}]
    )
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/runs/\d+/$"))
    page.locator("#import-result").wait_for(timeout=30000)


def test_choosing_a_new_owner_offers_its_placements(page: Any, login: Any) -> None:
    login(page, "mt-admin")
    page.goto("/devices/?owner=" + owner_id(page, "Bergs kommun"))
    page.locator("table.devices tbody a").first.click()
    page.wait_for_load_state()
    assert page.locator("#owner-location option").all_inner_texts() == ["Ingen placering"]
    page.select_option("#owner-owner", label="Östersunds kommun")
    # A locator, not wait_for_function: the pages' Content-Security-Policy forbids evaluating strings.
    page.locator("#owner-location option").nth(1).wait_for(state="attached")
    offered = page.locator("#owner-location option").all_inner_texts()[1:]
    assert offered and all(text.startswith("Östersunds kommun – ") for text in offered)
