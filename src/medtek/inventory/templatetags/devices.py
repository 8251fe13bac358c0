"""The register's list rows and status badges, written in one step each: the device list shows fifty rows,
and Django's template engine takes about as long per row as the page's queries take in all.

`{% status_badge device.status %}` is the status as its coloured badge; `{% device_row device %}` is one
row of the device list (as the template wrote it: the same HTML).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from medtek.inventory.choices import DeviceStatus

register = template.Library()

# The badge's colour: in service, out of it for good, or out of it for now.
BADGE_CLASSES: dict[str, str] = {
    DeviceStatus.IN_USE: " ok",
    DeviceStatus.IN_STOCK: " ok",
    DeviceStatus.BLOCKED: " bad",
    DeviceStatus.SCRAPPED: " bad",
    DeviceStatus.OUT_OF_SERVICE: " warn",
    DeviceStatus.UNDER_REPAIR: " warn",
    DeviceStatus.SURPLUS: " warn",
}
LABELS: dict[str, Any] = dict(DeviceStatus.choices)


@register.simple_tag
def status_badge(status: str) -> SafeString:
    """The status's label (as get_status_display gives it) in its badge."""
    return mark_safe(_badge(status))


def _badge(status: str) -> str:
    label = conditional_escape(LABELS.get(status, status))
    return f'<span class="badge{BADGE_CLASSES.get(status, "")}">{label}</span>'


_SAMPLE_ID = 987654321
_URL_PARTS = "medtek.inventory.device_url_parts"


def _detail_url(context: template.Context, device_id: int) -> str:
    """The device page's address; reversed once per page (as a prefix and a suffix around the id)."""
    parts = context.render_context.get(_URL_PARTS)
    if parts is None:
        sample = reverse("inventory:device_detail", kwargs={"device_id": _SAMPLE_ID}).split(str(_SAMPLE_ID))
        parts = context.render_context[_URL_PARTS] = sample if len(sample) == 2 else ()
    if not parts:
        return reverse("inventory:device_detail", kwargs={"device_id": device_id})
    return f"{parts[0]}{device_id}{parts[1]}"


def _text(value: Any) -> str:
    """As `{{ value }}` writes it."""
    return str(conditional_escape(value))


@register.simple_tag(takes_context=True)
def device_row(context: template.Context, device: dict[str, Any]) -> SafeString:
    """One row of the device list (a row of selectors.device_list_rows): asset number (to the device's
    page), model and type, serial number, owner, placement and status."""
    url = _text(_detail_url(context, device["pk"]))
    return mark_safe(
        "<tr>\n"
        f'      <td><a href="{url}">{_text(device["asset_number"])}</a></td>\n'
        f"      <td>{_text(device['model__manufacturer__name'])} {_text(device['model__name'])}"
        f'<span class="muted sm-block"> {_text(device["model__category"])}</span></td>\n'
        f'      <td class="hide-sm">{_text(device["serial_number"])}</td>\n'
        f"      <td>{_text(device['owner__name'])}</td>\n"
        f'      <td class="hide-sm">{_text(device["location__name"] or "—")}</td>\n'
        f"      <td>{_badge(device['status'])}</td>\n"
        "    </tr>"
    )
