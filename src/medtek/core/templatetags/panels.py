"""`{% object_panels obj %}`: the boxes later apps registered for this kind of object (core.ui)."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from medtek.core.ui import OBJECT_PANELS

register = template.Library()


@register.simple_tag(takes_context=True)
def object_panels(context: template.Context, obj: Any) -> SafeString:
    request = context.get("request")
    if request is None or obj is None:
        return mark_safe("")
    label = f"{obj._meta.app_label}.{obj._meta.model_name}"
    parts = []
    for panel in OBJECT_PANELS.get(label, []):
        data = panel.context(request, obj)
        if data is not None:
            parts.append(_render_panel(context, request, panel.template, data))
    return mark_safe("".join(parts))


def _render_panel(context: template.Context, request: Any, name: str, data: dict[str, Any]) -> str:
    """The panel's template with its own context and what the page's context processors gave (request,
    user, csrf_token, ...): as render_to_string(request=...) would, without running them again per panel."""
    index = getattr(context, "_processors_index", None)
    if context.template is None or index is None:
        return render_to_string(name, data, request=request)
    processed = context.dicts[index]
    return context.template.engine.get_template(name).render(context.new({**processed, **data}))


@register.simple_tag(takes_context=True)
def list_links(context: template.Context, list_name: str, query: Any = None) -> SafeString:
    """The buttons later apps registered for this list, each with the list's current filters."""
    from urllib.parse import urlencode

    from django.urls import reverse
    from django.utils.html import format_html

    from medtek.core.ui import LIST_LINKS

    request = context.get("request")
    if request is None:
        return mark_safe("")
    params = {k: v for k, v in (query or {}).items() if k != "cursor"}
    parts = [
        format_html(
            '<a class="button secondary" href="{}{}">{}</a>',
            reverse(link.url_name),
            f"?{urlencode(params)}" if params else "",
            link.label,
        )
        for link in LIST_LINKS.get(list_name, [])
    ]
    return mark_safe(" ".join(parts))
