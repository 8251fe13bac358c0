"""Small charts drawn on the server as inline SVG: no script, no CDN, no style attributes.

Colours come from CSS classes (`chart-s0` … `chart-s5` in medtek.css); every bar also carries its value
as text, so a chart still reads in black-and-white print.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

Number = int | float | Decimal


def _fmt(value: Number | None, unit: str) -> str:
    if value is None:
        return "—"
    text = f"{value:.0f}" if isinstance(value, float | Decimal) else str(value)
    return f"{text}{unit}"


def _legend(series: Sequence[str], y: float) -> list[str]:
    parts, x = [], 0.0
    for i, name in enumerate(series):
        parts.append(f'<rect class="chart-s{i % 6}" x="{x:.0f}" y="{y - 9:.0f}" width="10" height="10"/>')
        parts.append(f'<text class="chart-label" x="{x + 14:.0f}" y="{y:.0f}">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    return parts


def grouped_bars(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[str],
    values: Sequence[Sequence[Number | None]],
    maximum: Number = 100,
    unit: str = " %",
    chart_id: str = "",
) -> SafeString:
    """Vertical bars, one group per category (e.g. month), one bar per series; `values[s][c]`."""
    group_w, bar_w, height, top, left = 26 + 22 * len(series), 20, 150, 34, 6
    legend_w = sum(24 + 7 * len(name) for name in series)
    width = max(left + group_w * len(categories), legend_w, 320)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"'
        f' viewBox="0 0 {width} {top + height + 40}"'
        + (f' id="{escape(chart_id)}"' if chart_id else "")
        + f' aria-label="{escape(title)}"><title>{escape(title)}</title>',
        *_legend(series, 12),
        f'<line class="chart-axis" x1="0" y1="{top + height}" x2="{width}" y2="{top + height}"/>',
    ]
    top_value = float(maximum) or 1.0
    for c, label in enumerate(categories):
        x0 = left + c * group_w
        for s in range(len(series)):
            value = values[s][c]
            h = 0.0 if value is None else height * min(float(value), top_value) / top_value
            x, y = x0 + s * (bar_w + 2), top + height - h
            parts.append(
                f'<rect class="chart-s{s % 6}" x="{x}" y="{y:.1f}" width="{bar_w}" height="{h:.1f}">'
                f"<title>{escape(label)} · {escape(series[s])}: {_fmt(value, unit)}</title></rect>"
            )
            parts.append(
                f'<text class="chart-value" x="{x + bar_w / 2}" y="{y - 3:.1f}">{_fmt(value, "")}</text>'
            )
        parts.append(
            f'<text class="chart-label chart-cat" x="{x0 + len(series) * (bar_w + 2) / 2:.0f}"'
            f' y="{top + height + 16}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def stacked_bars(
    *,
    title: str,
    rows: Sequence[tuple[str, Sequence[Number]]],
    series: Sequence[str],
    chart_id: str = "",
) -> SafeString:
    """Horizontal bars, one per row (e.g. a customer), stacked by series (e.g. status); totals as text."""
    label_w, bar_max, row_h, top = 150, 200, 22, 28
    width = label_w + bar_max + 60
    biggest = max((sum(float(v) for v in values) for _label, values in rows), default=0.0) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"'
        f' viewBox="0 0 {width} {top + row_h * max(len(rows), 1) + 6}"'
        + (f' id="{escape(chart_id)}"' if chart_id else "")
        + f' aria-label="{escape(title)}"><title>{escape(title)}</title>',
        *(_legend(series, 12) if len(series) > 1 else []),
    ]
    for r, (label, values) in enumerate(rows):
        y = top + r * row_h
        short = label if len(label) <= 24 else label[:23] + "…"
        parts.append(f'<text class="chart-label" x="0" y="{y + 14}">{escape(short)}</text>')
        x = float(label_w)
        for s, value in enumerate(values):
            w = bar_max * float(value) / biggest
            if w > 0:
                parts.append(
                    f'<rect class="chart-s{s % 6}" x="{x:.1f}" y="{y + 3}"'
                    f' width="{w:.1f}" height="{row_h - 6}">'
                    f"<title>{escape(label)} · {escape(series[s])}: {value}</title></rect>"
                )
            x += w
        total = sum(values)
        parts.append(f'<text class="chart-value chart-end" x="{x + 4:.1f}" y="{y + 14}">{total}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
