"""Forms that keep what was typed, in a real browser on a phone: a technician records the IEC 62353
protocol with one value mistyped; the page comes back with every value as typed, the error at its field,
a summary at the top that links to it, and the focus on that field. A customer's fault report that the
service refuses as a whole comes back with the refusal in the box at the top of the form, the summary
linking there, the focus on it, and the text as typed."""

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


def test_a_fault_report_refused_as_a_whole_is_shown_at_the_top_of_the_form_with_the_text_kept(
    phone: Any,
) -> None:
    page = phone
    do_login(page, "berg")
    page.goto("/maintenance/report/")
    form = page.locator("#report-form")
    form.locator("#id_kind").select_option("cm")
    form.locator("#id_customer").select_option(index=0)  # Berg itself
    form.locator("#id_title").fill("Skärmen flimrar")
    form.locator("#id_description").fill("Sedan i går kväll, på avdelning 3.")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    refusal = "En felanmälan gäller alltid en viss utrustning."
    form = page.locator("#report-form")
    box = form.locator("#form-errors")
    assert box.inner_text() == refusal
    first_shown = "box => box.parentElement.querySelector('ul, label, input:not([type=hidden])') === box"
    assert box.evaluate(first_shown)  # the top of the form
    assert form.locator("#id_title").input_value() == "Skärmen flimrar"
    assert form.locator("#id_description").input_value() == "Sedan i går kväll, på avdelning 3."

    summary = page.locator("[data-error-summary]")
    link = summary.locator("a[href='#form-errors']")
    assert link.inner_text() == refusal
    assert page.evaluate("document.activeElement.id") == "form-errors"
    box_top = box.bounding_box()
    assert box_top is not None and 0 <= box_top["y"] < PHONE["height"]  # in view, where the user was

    form.locator("#id_title").focus()
    link.click()
    assert page.evaluate("document.activeElement.id") == "form-errors"
