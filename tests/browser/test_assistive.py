"""The assistive-device loop in a real browser, on the demo data (issue: Done when): `forskrivare`
prescribes a patient lift; `hmc` dispenses an item and records the fitting; the identity shows to `hmc`
and `forskrivare`, not to `auditor`, `halland-unit` or `berg`, and each look is in the access log; the
item is returned, reconditioned through a passed protocol and dispensed to a second patient; its history
shows both loans with no identity for `auditor`; `hmc` no longer sees the ventilators."""

from __future__ import annotations

import re
from typing import Any

from stdnum import luhn


def personnummer(base9: str) -> str:
    return f"19{base9[:6]}-{base9[6:]}{luhn.calc_check_digit(base9)}"


FIRST = personnummer("450312123")
SECOND = personnummer("520704456")
LIFT = "Personlyft, mobil Maxi Move"


def prescribe(page: Any, identity: str) -> str:
    page.goto("/assistive/prescriptions/new/")
    page.fill("input[name=patient_identity]", identity)
    page.select_option("select[name=article]", label=f"12 36 03 {LIFT}")
    page.fill("textarea[name=need]", "Förflyttning säng–rullstol i hemmet")
    page.fill("input[name=delivery_address]", "Storgatan 5, Halmstad")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert re.search(r"/assistive/prescriptions/\d+/$", page.url), page.locator("main").inner_text()[:500]
    return str(page.url)


def as_user(browser: Any, live_server_url: str, login: Any, username: str) -> Any:
    context = browser.new_context(base_url=live_server_url)
    page = context.new_page()
    login(page, username)
    return context, page


def test_prescribe_dispense_fit_return_recondition_and_dispense_again(
    page: Any, browser: Any, live_server_url: str, login: Any
) -> None:
    login(page, "forskrivare")
    prescription_url = prescribe(page, FIRST)
    assert FIRST in page.locator("#patient").inner_text()

    hmc_context, hmc = as_user(browser, live_server_url, login, "hmc")
    try:
        hmc.goto(prescription_url)
        assert FIRST in hmc.locator("#patient").inner_text()
        asset = hmc.locator("select[name=device] option").first.inner_text()
        hmc.select_option("select[name=device]", label=asset)
        with hmc.expect_navigation():
            hmc.click("main form button[type=submit]")
        assert re.search(r"/assistive/loans/\d+/$", hmc.url)
        loan_url = hmc.url
        hmc.check("#fitting-form input[name=fitted]")
        hmc.fill("#fitting-form input[name=adjustments]", "Lyftbygel inställd, selstorlek M")
        with hmc.expect_navigation():
            hmc.click("#fitting-form button[type=submit]")
        assert "Utprovningen är registrerad" in hmc.locator(".messages").inner_text()

        # Neither the auditor, the region's unit manager nor Berg sees the identity.
        for username in ("auditor", "halland-unit", "berg"):
            context, other = as_user(browser, live_server_url, login, username)
            try:
                response = other.goto(loan_url)
                assert FIRST not in other.content(), username
                if username == "auditor":
                    assert response is not None and response.status == 200
                    assert "identiteten visas inte" in other.locator("#patient").inner_text()
                    other.goto("/assistive/access-log/")
                    log = other.locator("#access-log").inner_text()
                    assert "hmc" in log and "forskrivare" in log and FIRST not in log
                else:
                    assert response is not None and response.status == 404, username
            finally:
                context.close()

        # Return (återlämning) → reconditioning work order → passed protocol → back in stock.
        hmc.goto(loan_url)
        hmc.select_option("#return-form select[name=condition]", value="worn")
        with hmc.expect_navigation():
            hmc.click("#return-form button[type=submit]")
        assert "rekonditionering" in hmc.locator(".messages").inner_text()
        with hmc.expect_navigation():
            hmc.click("#returned a")
        assert hmc.locator("h1").inner_text().startswith("RK-")
        with hmc.expect_navigation():
            hmc.click("#wo-actions >> text=Påbörja arbete")
        protocol = hmc.locator("section[id^=protocol-]").first
        for select in protocol.locator("select").all():
            select.select_option("yes")
        with hmc.expect_navigation():
            protocol.locator("button[name=complete][value='1']").click()
        hmc.on("dialog", lambda dialog: dialog.accept())
        with hmc.expect_navigation():
            hmc.click("#close-button")

        # A second patient gets the same item.
        page.goto("/")
        second_url = prescribe(page, SECOND)
        hmc.goto(second_url)
        hmc.select_option("select[name=device]", label=asset)
        with hmc.expect_navigation():
            hmc.click("main form button[type=submit]")
        device_href = hmc.locator("dl.facts a[href^='/devices/']").first.get_attribute("href")

        # HMC sees the region's assistive devices, not its ventilators.
        hmc.goto("/devices/?q=MTH")
        assert "Hamilton-C1" not in hmc.locator("table.devices").inner_text()
        hmc.goto("/devices/")
        assert "Hamilton-C1" not in hmc.locator("table.devices").inner_text()
    finally:
        hmc_context.close()

    context, auditor = as_user(browser, live_server_url, login, "auditor")
    try:
        auditor.goto(device_href)
        history = auditor.locator("#history").inner_text()
        assert len(set(re.findall(r"Utlämnad på (FS-\d+)", history))) == 2, history
        assert FIRST not in auditor.content() and SECOND not in auditor.content()
    finally:
        context.close()


def test_hmc_edits_an_article_and_registers_an_item_on_the_pages(page: Any, login: Any) -> None:
    """The catalogue: HMC changes an article's rent, a bad value is named at its field and what was
    typed stays; a new item is registered and listed under its article, in stock."""
    login(page, "hmc")
    page.goto("/assistive/")
    with page.expect_navigation():
        page.click(f"#stock a:text-is('{LIFT}')")
    article_url = page.url
    with page.expect_navigation():
        page.click("text=Ändra artikel")
    page.fill("input[name=monthly_rent]", "-5")
    with page.expect_navigation():
        page.click("#article-form button[type=submit]")
    assert "Ett belopp kan inte vara negativt." in page.locator("#article-form").inner_text()
    assert page.input_value("input[name=monthly_rent]") == "-5"
    page.fill("input[name=monthly_rent]", "475.00")
    with page.expect_navigation():
        page.click("#article-form button[type=submit]")
    assert page.url == article_url
    assert "475,00 kr" in page.locator("#article").inner_text()
    with page.expect_navigation():
        page.click("text=Registrera en individ")
    page.fill("input[name=asset_number]", "HMC-NY-1")
    page.fill("input[name=serial_number]", "SN-NY-1")
    with page.expect_navigation():
        page.click("#item-form button[type=submit]:not([name])")
    items = page.locator("#items").inner_text()
    assert "HMC-NY-1" in items and "I lager" in items


def test_a_failed_reconditioning_is_decided_scrapped_after_the_confirmation(page: Any, login: Any) -> None:
    """An item fails its reconditioning; HMC finds it on the overview and scraps it on the loan's page,
    agreeing to the question first."""
    login(page, "forskrivare")
    prescription_url = prescribe(page, FIRST)
    page.context.clear_cookies()
    login(page, "hmc")
    page.goto(prescription_url)
    page.select_option("select[name=device]", index=0)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    loan_url = page.url
    page.select_option("#return-form select[name=condition]", value="damaged")
    with page.expect_navigation():
        page.click("#return-form button[type=submit]")
    with page.expect_navigation():
        page.click("#returned a")
    with page.expect_navigation():
        page.click("#wo-actions >> text=Påbörja arbete")
    protocol = page.locator("section[id^=protocol-]").first
    selects = protocol.locator("select").all()
    for select in selects:
        select.select_option("yes")
    selects[0].select_option("no")
    with page.expect_navigation():
        protocol.locator("button[name=complete][value='1']").click()
    page.on("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#close-button")

    page.goto("/assistive/")
    assert loan_url.split("/assistive")[1] in page.locator("#failed").inner_html()
    page.goto(loan_url)
    page.check("#decision-form input[name=decision][value=scrap]")
    page.select_option("#decision-form select[name=waste_category]", value="electronic")
    page.fill("#decision-form textarea[name=reason]", "Lyftmotorn trasig, reservdelar saknas")
    with page.expect_navigation():
        page.click("#decision-form button[type=submit]")
    assert "Skrota" in page.locator(".messages").inner_text()
    assert "Lyftmotorn trasig" in page.locator("#decision").inner_text()
