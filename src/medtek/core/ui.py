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


NAV: list[NavItem] = []
PANELS: list[Panel] = []
DEVICE_LINKS: list[DeviceLink] = []


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


@dataclass(frozen=True)
class ObjectPanel:
    """A box a later app adds to an earlier app's detail page (attachments on a device, a work order ...).

    `context(request, obj)` returns the template context, or None to hide it; the page names the kind of
    object with `{% object_panels obj %}` (core's `panels` tags) and never imports the app that adds it.
    """

    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any] | None]
    order: int = 100


OBJECT_PANELS: dict[str, list[ObjectPanel]] = {}


def register_object_panel(model_label: str, panel: ObjectPanel) -> None:
    """Show `panel` on the detail page of every object of `model_label` ("inventory.device")."""
    panels = OBJECT_PANELS.setdefault(model_label, [])
    if all(existing.template != panel.template for existing in panels):
        panels.append(panel)
        panels.sort(key=lambda p: p.order)


@dataclass(frozen=True)
class ListLink:
    """A button a later app adds to an earlier app's list page, carrying the list's filters (labels for
    the filtered devices): `url_name` gets the list's query string."""

    label: Any  # a lazy translation
    url_name: str


LIST_LINKS: dict[str, list[ListLink]] = {}


def register_list_link(list_name: str, link: ListLink) -> None:
    links = LIST_LINKS.setdefault(list_name, [])
    if all(existing.url_name != link.url_name for existing in links):
        links.append(link)
