"""Maintenance in a real browser, on the demo data: a fault report from Berg worked and closed by MT,
and a technician's FU with an IEC 62353 protocol on a phone."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

FRACTION = re.compile(r"\((\d+) / (\d+)\)")


def key_figure(page: Any, figure_id: str) -> tuple[int, int]:
    """The (within target, measured) pair of a key figure such as '100,0 % (1 / 1)', or (0, 0) for '—'."""
    match = FRACTION.search(page.locator(f"#{figure_id}").inner_text())
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def open_key_figures(page: Any, customer: str) -> None:
    page.goto("/maintenance/key-figures/")
    page.select_option("select[name=customer]", label=customer)
    today = dt.date.today()
    page.fill("input[name=start]", today.replace(day=1).isoformat())
    page.fill("input[name=end]", today.isoformat())
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def test_berg_reports_a_fault_mt_works_and_closes_it_and_the_figures_show_it(
    page: Any, browser: Any, live_server_url: str, login: Any
) -> None:
    login(page, "mt-admin")
    open_key_figures(page, "Bergs kommun")
    response_before = key_figure(page, "kf-cm-response")
    resolution_before = key_figure(page, "kf-cm-resolution")

    # Berg reports a fault from its own device's page in the register.
    berg_context = browser.new_context(base_url=live_server_url)
    try:
        berg = berg_context.new_page()
        login(berg, "berg")
        berg.goto("/devices/")
        berg.locator("table.devices tbody a").first.click()
        berg.click("#device-links >> text=Felanmäl eller be om råd")
        berg.fill("#id_title", "Larmar utan orsak på natten")
        berg.fill("#id_description", "Pumpen larmar ocklusion trots fri slang.")
        with berg.expect_navigation():
            berg.click("main form button[type=submit]")
        assert "Registrerad som arbetsorder" in berg.locator(".messages").inner_text()
        work_order_url = berg.url
        assert berg.locator("#wo-status").inner_text().startswith("Anmält")
    finally:
        berg_context.close()

    # MT prioritises it P2, starts, logs 2.5 h, a visit and a spare part, marks it done and closes it.
    page.goto(work_order_url)
    page.select_option("#id_priority", value="P2")
    with page.expect_navigation():
        page.click("#triage button[type=submit]")
    assert page.locator("#wo-priority").inner_text().startswith("P2")
    with page.expect_navigation():
        page.click("#wo-actions >> text=Påbörja arbete")
    page.fill("#t-hours", "2,5")
    with page.expect_navigation():
        page.click("#log-time")
    page.fill("#v-cost", "450")
    page.fill("#v-desc", "Besök Bergs hemsjukvård")
    with page.expect_navigation():
        page.click("#log-visit")
    page.fill("#m-art", "BB-8713")
    page.fill("#m-desc", "Tryckgivare")
    page.fill("#m-price", "1240,50")
    with page.expect_navigation():
        page.click("#add-material")
    assert page.locator("#hours-total").inner_text() == "2,50 h"
    entries = page.locator("#entries tbody").inner_text()
    assert "Besök Bergs hemsjukvård" in entries and "Tryckgivare" in entries
    page.fill("#wo-actions input[name=resolution]", "Tryckgivaren bytt, funktionskontroll utan anmärkning")
    with page.expect_navigation():
        page.click("#wo-actions >> text=Markera som utfört")
    page.once("dialog", lambda dialog: dialog.accept())  # closing asks first
    with page.expect_navigation():
        page.click("#close-button")
    assert page.locator("#wo-status").inner_text().startswith("Avslutat")
    assert "Inom mål" in page.locator("#sla-response").inner_text()
    assert "Inom mål" in page.locator("#sla-resolution").inner_text()

    # The key figures for Berg count it.
    open_key_figures(page, "Bergs kommun")
    within, measured = key_figure(page, "kf-cm-response")
    assert (within, measured) == (response_before[0] + 1, response_before[1] + 1)
    within, measured = key_figure(page, "kf-cm-resolution")
    assert (within, measured) == (resolution_before[0] + 1, resolution_before[1] + 1)


def test_technician_records_a_passed_iec_62353_protocol_on_a_phone_and_next_due_moves(
    browser: Any, live_server_url: str, login: Any
) -> None:
    context = browser.new_context(base_url=live_server_url, viewport={"width": 390, "height": 844})
    try:
        phone = context.new_page()
        login(phone, "mt-admin")
        phone.goto("/maintenance/pm/")
        with phone.expect_navigation():
            phone.click("main form button[type=submit]")
        phone.locator("#plan-result").wait_for(timeout=30000)  # the planning job is done
        phone.goto("/maintenance/?kind=pm&state=open")
        phone.locator("table tbody a").first.click()
        with phone.expect_navigation():
            phone.click("#wo-actions >> text=Påbörja arbete")
        protocol = phone.locator("section[id^=protocol-]").first
        assert "IEC 62353" in protocol.locator("h2").inner_text()
        for select in protocol.locator("select").all():
            select.select_option("yes")
        for field in protocol.locator("input[inputmode=decimal]").all():
            label = protocol.locator(f"label[for={field.get_attribute('id')}]").inner_text()
            field.fill("0,1" if "Skyddsjord" in label else "500" if "resistans" in label else "10")
        with phone.expect_navigation():
            protocol.locator("button[name=complete][value='1']").click()
        assert "Godkänt" in phone.locator("section[id^=protocol-]").first.locator("h2").inner_text()

        phone.click("#wo-actions >> text=Markera som utfört")
        phone.wait_for_load_state()
        assert phone.locator("#wo-status").inner_text().startswith("Utfört")
        phone.locator("dd a[href*='/maintenance/device/']").click()
        next_due = phone.locator("#next-due").inner_text()
        due = dt.date.fromisoformat(next_due[:10])
        assert due > dt.date.today() + dt.timedelta(days=150)
    finally:
        context.close()
