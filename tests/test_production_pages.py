"""With DEBUG off, as `make demo` and production run, errors are the product's own Swedish pages; the
start page says which day deadlines are counted from; every page has a skip link, an icon and form
fields whose borders a low-vision user can see (WCAG 1.4.11: 3:1 against the page)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

import medtek

pytestmark = pytest.mark.django_db
STATIC = Path(medtek.__file__).resolve().parent / "static" / "medtek"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_missing_page_is_the_swedish_404_page(world: Any) -> None:
    response = _client(world.admin).get("/finns-inte/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Sidan hittades inte</h1>" in html
    assert 'href="/"' in html and "Till startsidan" in html


def test_a_missing_page_is_swedish_before_login_too() -> None:
    response = Client().get("/finns-inte/")
    assert response.status_code == 404
    assert "<h1>Sidan hittades inte</h1>" in response.content.decode()


def test_a_form_sent_without_its_token_is_the_swedish_expired_form_page(world: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    response = client.post("/logout/")
    assert response.status_code == 403
    assert "<h1>Formuläret har gått ut</h1>" in response.content.decode()


def test_the_server_error_page_stands_alone_in_swedish() -> None:
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "<h1>Något gick fel</h1>" in html and '<html lang="sv">' in html


def test_the_start_page_says_which_day_is_today_for_deadlines(world: Any) -> None:
    html = _client(world.admin).get("/").content.decode()
    today = timezone.localdate().isoformat()
    assert re.search(rf'<p class="muted" id="today">Idag är \w+dag {today}: ', html)


def test_every_page_has_a_skip_link_to_the_content_and_an_icon(world: Any) -> None:
    html = _client(world.admin).get("/").content.decode()
    assert '<a class="skip-link" href="#main">Hoppa till innehållet</a>' in html
    assert '<main id="main" tabindex="-1">' in html
    assert 'rel="icon" href="/static/medtek/favicon.svg"' in html
    assert (STATIC / "favicon.svg").read_text().startswith("<svg")


def test_favicon_ico_leads_to_the_icon() -> None:
    response = Client().get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (302, "/static/medtek/favicon.svg")


def _luminance(hex_colour: str) -> float:
    if len(hex_colour) == 4:  # #fff
        hex_colour = "#" + "".join(c * 2 for c in hex_colour[1:])
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_form_field_borders_have_3_to_1_contrast_against_the_page_and_the_cards() -> None:
    css = (STATIC / "medtek.css").read_text()
    colours = dict(re.findall(r"--([\w-]+):(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b", css))
    rule = re.search(r"^input, select, textarea \{([^}]*)\}", css, re.M)
    assert rule is not None
    border = re.search(r"border:1px solid var\(--([\w-]+)\)", rule.group(1))
    assert border is not None
    for background in (colours["bg"], colours["card"]):
        assert _contrast(colours[border.group(1)], background) >= 3
