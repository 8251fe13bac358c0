"""The pages work under their Content-Security-Policy: the browser reports no blocked script or style."""

from __future__ import annotations

from typing import Any

PAGES = ["/", "/devices/", "/organisations/", "/maintenance/", "/billing/", "/api/v1/docs"]


def test_no_page_breaks_its_content_security_policy(page: Any, login: Any) -> None:
    violations: list[str] = []
    page.on(
        "console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    page.goto("/login/")
    login(page, "mt-admin")
    for path in PAGES:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        page.wait_for_load_state("networkidle")
    page.goto("/devices/")
    page.locator("table.devices tbody a").first.click()
    page.wait_for_load_state("networkidle")
    assert violations == []


def test_ten_wrong_passwords_lock_the_login_in_swedish(page: Any) -> None:
    for i in range(10):
        page.goto("/login/")
        page.fill("input[name=username]", "intruder")  # no other test logs in as it
        page.fill("input[name=password]", f"wrong {i}")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
    assert "För många felaktiga lösenord i rad." in page.locator("p.error").inner_text()
