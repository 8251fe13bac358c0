"""A failed check in a real browser, on the demo data: an FU whose IEC 62353 test fails is closed (after a
confirmation) as not approved, its PM clock stays, a repair work order follows, the register refuses to
put the device back in use, and only an MT admin's override with a reason does."""

from __future__ import annotations

from typing import Any

# Demo device models with an IEC 62353 protocol (maintenance/demo.py, APPLIED_PART).
CHECKED_MODELS = (
    "Enterprise 9000",
    "Medley Ergo",
    "Maxi Move",
    "Viking M",
    "Mobilett Elara Max",
    "Infusomat Space",
    "Perfusor Space",
    "LSU",
    "SimplyGo",
    "M6 Comfort",
    "Rad-5v",
    "Hamilton-C1",
    "Babyleo TN500",
    "LOGIQ E10",
    "AED Plus",
    "HeartStart FRx",
)


def _open_checked_fu(page: Any) -> None:
    """Open an open FU work order (from the end of the list) on a device whose model has a protocol."""
    page.goto("/maintenance/pm/")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.locator("#plan-result").wait_for(timeout=30000)  # the planning job is done
    page.goto("/maintenance/?kind=pm&state=open")
    hrefs = [a.get_attribute("href") for a in page.locator("table tbody td:first-child a").all()]
    for href in reversed(hrefs):
        page.goto(href)
        device = page.locator("dd a[href*='/maintenance/device/']").locator("xpath=..").inner_text()
        if any(device.endswith(model) for model in CHECKED_MODELS):
            return
    raise AssertionError("no open FU on a device with a check protocol")


def test_a_failed_check_keeps_the_device_out_of_use_until_an_mt_admin_overrides_it(
    page: Any, login: Any
) -> None:
    login(page, "mt-admin")
    _open_checked_fu(page)
    work_order_url = page.url
    device_link = page.locator("dd a[href*='/maintenance/device/']")
    device_work_url = device_link.get_attribute("href")
    page.goto(device_work_url)
    next_due_before = page.locator("#next-due").inner_text()[:10]
    page.goto(work_order_url)

    # The technician starts the FU and records the IEC 62353 test: protective earth 0.9 Ω fails.
    with page.expect_navigation():
        page.click("#wo-actions >> text=Påbörja arbete")
    protocol = page.locator("section[id^=protocol-]").first
    for select in protocol.locator("select").all():
        select.select_option("yes")
    for field in protocol.locator("input[inputmode=decimal]").all():
        label = protocol.locator(f"label[for={field.get_attribute('id')}]").inner_text()
        field.fill("0,9" if "Skyddsjord" in label else "500" if "resistans" in label else "10")
    with page.expect_navigation():
        protocol.locator("button[name=complete][value='1']").click()
    assert "Underkänt" in page.locator("section[id^=protocol-]").first.locator("h2").inner_text()

    # "Avsluta" asks first, and says what closing a failed check means.
    asked: list[str] = []

    def accept(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    with page.expect_navigation():
        page.click("#close-button")
    assert asked and "arbetet avslutas som ej godkänt" in asked[0]
    assert page.locator("#wo-status").inner_text().startswith("Avslutat")
    assert "Ej godkänt" in page.locator("#wo-approved").inner_text()
    repair = page.locator("#wo-follow-ups a").first
    assert repair.inner_text().startswith("AU-")

    # The repair work order (AU) is linked back to the FU that found the fault.
    with page.expect_navigation():
        repair.click()
    assert "Åtgärd efter underkänd kontroll" in page.locator("h1").inner_text()
    assert page.locator("#wo-origin").inner_text().startswith("FU-")

    # The FU clock did not move, and the device is blocked by the failed check.
    page.goto(device_work_url)
    assert page.locator("#next-due").inner_text()[:10] == next_due_before
    assert "Spärrad efter underkänd kontroll" in page.locator("#blocked-by-check").inner_text()

    # A plain status change in the register cannot put it back in use.
    register_url = device_work_url.replace("/maintenance/device/", "/devices/")
    page.goto(register_url)
    page.select_option("#actions select[name=status]", value="in_use")
    with page.expect_navigation():
        page.click("#actions form:first-of-type button[type=submit]")
    refusal = page.locator("#field-status").inner_text()
    assert "får inte användas förrän en senare kontroll godkänns" in refusal
    assert page.locator("#device-status").inner_text().startswith("Spärrad")

    # An MT admin's override needs a reason, then puts the device back in use.
    page.goto(device_work_url)
    page.on("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#override-button")
    assert "Ange skälet" in page.locator("#field-reason").inner_text()
    page.fill("#field-reason textarea", "Jordfelet mätt om med kalibrerat instrument: 0,1 Ω")
    with page.expect_navigation():
        page.click("#override-button")
    assert "Utrustningen är i bruk igen" in page.locator(".messages").inner_text()
    page.goto(register_url)
    assert page.locator("#device-status").inner_text().startswith("I bruk")
