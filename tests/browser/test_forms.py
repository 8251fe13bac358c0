"""Forms that keep what was typed, in a real browser on a phone: a technician records the IEC 62353
protocol with one value mistyped; the page comes back with every value as typed, the error at its field,
a summary at the top that links to it, and the focus on that field."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import do_login
from tests.browser.test_failed_check import _open_checked_fu

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Any, live_server_url: str) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server_url, locale="en-US", viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_a_mistyped_protocol_value_keeps_every_measurement_and_is_shown_at_its_field(phone: Any) -> None:
    page = phone
    do_login(page, "mt-admin")
    _open_checked_fu(page)
    with page.expect_navigation():
        page.click("#wo-actions >> text=Påbörja arbete")
    protocol = page.locator("section[id^=protocol-]").first
    for select in protocol.locator("select").all():
        select.select_option("yes")
    fields = protocol.locator("input[inputmode=decimal]").all()
    assert len(fields) >= 2
    typed: dict[str, str] = {}
    for n, field in enumerate(fields):
        typed[field.get_attribute("id") or ""] = f"{n + 1},5"
    bad_id = list(typed)[1]
    typed[bad_id] = "0,2 0,3"
    for field_id, value in typed.items():
        protocol.locator(f"#{field_id}").fill(value)

    with page.expect_navigation():
        protocol.locator("button[name=complete][value='1']").click()

    protocol = page.locator("section[id^=protocol-]").first
    kept = {field_id: protocol.locator(f"#{field_id}").input_value() for field_id in typed}
    assert kept == typed
    for select in protocol.locator("select").all():
        assert select.input_value() == "yes"

    bad = protocol.locator(f"#{bad_id}")
    assert bad.get_attribute("aria-invalid") == "true"
    error_id = bad.get_attribute("aria-describedby")
    assert protocol.locator(f"#{error_id}").inner_text() == "Fyll i ett tal."
    assert protocol.locator(f"#{error_id}").locator("xpath=..").locator(f"#{bad_id}").count() == 1

    summary = page.locator("[data-error-summary]")
    assert summary.get_attribute("role") == "alert"
    link = summary.locator(f"a[href='#{bad_id}']")
    assert "Fyll i ett tal." in link.inner_text()
    main_top = page.locator("main").bounding_box()
    assert summary.bounding_box()["y"] < main_top["y"] + 200

    assert page.evaluate("document.activeElement.id") == bad_id
    page.locator(f"#{next(iter(typed))}").focus()
    link.click()
    assert page.evaluate("document.activeElement.id") == bad_id
