"""The navigation every page shows: the menu entries the acting user's scope allows."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from medtek.core.ui import NAV
from medtek.organizations.scoping import scope_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu entries the user may use; an app whose page is not there yet is simply not listed."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "scope": None}
    scope = scope_for(user)
    items = []
    current = request.path
    for item in NAV:
        if not scope.can(item.capability):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": item.label, "active": current.startswith(url) and url != "/"})
    return {"nav_items": items, "scope": scope}
