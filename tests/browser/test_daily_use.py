"""Daily use on a phone and in the register form, in a real browser on the demo data."""

from __future__ import annotations

from typing import Any


def test_on_a_phone_the_menu_folds_away_behind_one_button(
    browser: Any, live_server_url: str, login: Any
) -> None:
    context = browser.new_context(
        base_url=live_server_url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        login(page, "mt-tech")
        toggle = page.locator("button.nav-toggle")
        menu = page.locator("nav.main-nav")
        assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        assert not menu.is_visible()
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert menu.is_visible() and menu.get_by_role("link", name="Inventarier").is_visible()
        page.keyboard.press("Escape")
        assert toggle.get_attribute("aria-expanded") == "false" and not menu.is_visible()
    finally:
        context.close()


def test_on_a_wide_screen_the_menu_is_always_shown(page: Any, login: Any) -> None:
    login(page, "mt-tech")
    assert page.locator("nav.main-nav").is_visible()
    assert not page.locator("button.nav-toggle").is_visible()


def test_the_placement_list_follows_the_owner_chosen(page: Any, login: Any) -> None:
    login(page, "mt-admin")
    page.goto("/devices/new/")
    owner = page.locator("#id_owner")
    berg = owner.locator("option", has_text="Bergs kommun").first.get_attribute("value")
    assert berg
    with page.expect_response(lambda r: "/devices/locations/" in r.url):
        owner.select_option(berg)
    labels = page.locator("#id_location option").all_inner_texts()
    assert labels[0] == "Ingen placering" and len(labels) > 1
    assert all(label.startswith("Bergs kommun") for label in labels[1:]), labels
