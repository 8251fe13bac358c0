"""Registries that let each app add itself to the navigation and the start page without the
start page importing it (apps register in their AppConfig.ready)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Any  # a lazy translation
    capability: str = "view"
    order: int = 100


@dataclass(frozen=True)
class Panel:
    """A box on the start page: `context(request)` returns its template context, or None to hide it."""

    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class DeviceLink:
    """A button on a device's register page that leads to another part's page for that device.

    `href(device_id)` gives the address; shown when the user has `capability` for the device's owner.
    """

    label: Any  # a lazy translation
    href: Callable[[int], str]
    capability: str = "view"
    order: int = 100


@dataclass(frozen=True)
class DevicePanel:
    """A box on a device's register page that another part fills in: `context(request, device_id)`
    returns its template context, or None to hide it; asked only when the user has `capability` for
    the device's owner."""

    template: str
    context: Callable[[HttpRequest, int], dict[str, Any] | None]
    capability: str = "view"
    order: int = 100


NAV: list[NavItem] = []
PANELS: list[Panel] = []
DEVICE_LINKS: list[DeviceLink] = []
DEVICE_PANELS: list[DevicePanel] = []


def register_nav(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in NAV):
        NAV.append(item)
        NAV.sort(key=lambda i: i.order)


def register_panel(panel: Panel) -> None:
    if all(existing.template != panel.template for existing in PANELS):
        PANELS.append(panel)
        PANELS.sort(key=lambda p: p.order)


def register_device_link(link: DeviceLink) -> None:
    if all(existing.label != link.label for existing in DEVICE_LINKS):
        DEVICE_LINKS.append(link)
        DEVICE_LINKS.sort(key=lambda item: item.order)


def device_links(scope: Any, *, device_id: int, owner_id: int) -> list[dict[str, Any]]:
    """The registered device links the user may follow for this device, as {"url", "label"}."""
    return [
        {"url": link.href(device_id), "label": link.label}
        for link in DEVICE_LINKS
        if scope.can(link.capability, owner_id)
    ]


def register_device_panel(panel: DevicePanel) -> None:
    if all(existing.template != panel.template for existing in DEVICE_PANELS):
        DEVICE_PANELS.append(panel)
        DEVICE_PANELS.sort(key=lambda item: item.order)


def device_panels(request: HttpRequest, scope: Any, *, device_id: int, owner_id: int) -> list[dict[str, Any]]:
    """The registered device panels the user may see for this device, as {"template", "panel"}."""
    out: list[dict[str, Any]] = []
    for panel in DEVICE_PANELS:
        if not scope.can(panel.capability, owner_id):
            continue
        context = panel.context(request, device_id)
        if context is not None:
            out.append({"template": panel.template, "panel": context})
    return out
