"""The key-figures page in a real browser, on the demo data: this year by default, every customer in one
table with its total, and the charts drawn from the same figures, readable in print."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

BAR_TITLE = re.compile(r"^(?P<label>.+) · (?P<series>.+): (?P<value>\d+)$")


def _cells(row: Any) -> list[str]:
    return [c.strip() for c in row.locator("th, td").all_inner_texts()]


def _bars(page: Any, chart_id: str) -> list[tuple[str, str, int]]:
    """(label, series, value) of each bar of a chart, read from the titles a pointer shows."""
    titles = page.locator(f"#{chart_id} rect > title").all_text_contents()
    bars = []
    for title in titles:
        match = BAR_TITLE.match(title)
        assert match, title
        bars.append((match["label"], match["series"], int(match["value"])))
    return bars


def test_mt_admin_sees_this_year_for_every_customer_with_a_total_and_charts_that_agree(
    page: Any, login: Any
) -> None:
    login(page, "mt-admin")
    page.goto("/maintenance/key-figures/")
    today = dt.date.today()
    heading = page.locator("h1").inner_text()
    assert f"{today.year}-01-01 – {today.isoformat()}" in heading

    rows = page.locator("#key-figures-table tbody tr")
    customers = {_cells(rows.nth(i))[0]: _cells(rows.nth(i)) for i in range(rows.count())}
    assert {"Bergs kommun", "Östersunds kommun", "Strömsunds kommun"} <= set(customers)
    assert customers["Bergs kommun"][1] == "50"
    total = _cells(page.locator("#kf-total"))
    assert total[0] == "Totalt"
    assert int(total[1]) == sum(int(cells[1]) for cells in customers.values()) >= 923

    # Devices per customer and status: Berg's bars add up to Berg's devices in the table.
    devices = _bars(page, "chart-devices")
    assert sum(value for label, _series, value in devices if label == "Bergs kommun") == 50
    # Open work by priority and the monthly completion chart are drawn with their bars.
    assert _bars(page, "chart-backlog")
    assert page.locator("#chart-completion rect").count() > 0
    assert page.locator("svg.chart").count() == 3

    # The last twelve whole months are one click away, and the charts follow.
    page.get_by_role("link", name="Senaste 12 hela månaderna").click()
    page.wait_for_load_state()
    assert "period=12m" in page.url
    start = page.locator("h1 small").inner_text().split(" – ")[0]
    assert dt.date.fromisoformat(start) <= today.replace(day=1) - dt.timedelta(days=300)
    assert page.locator("svg.chart").count() == 3

    # In print the filters fold away and the charts stay.
    page.emulate_media(media="print")
    assert not page.locator("form.filters").is_visible()
    assert page.locator("#chart-devices").is_visible()
    assert page.locator("#key-figures-table").is_visible()
