"""`{% error_summary %}`: at the top of a page, every error of the forms it shows as sent, each a link to
its field (base.html places it; medtek.js moves the focus to the first field named). `{% form_errors form %}`:
at the top of a form, its errors of the whole form, where the summary's link for them leads."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from medtek.core.forms import error_entries, form_errors_id, refused_forms, whole_form_errors

register = template.Library()


def _forms_with_errors(context: template.Context) -> list[forms.BaseForm]:
    request = context.get("request")
    found: list[forms.BaseForm] = list(refused_forms(request)) if request is not None else []
    for value in context.flatten().values():
        if isinstance(value, forms.BaseForm) and value.is_bound and value.errors:
            found.append(value)
    unique: dict[int, forms.BaseForm] = {}
    for form in found:
        unique.setdefault(id(form), form)
    return list(unique.values())


@register.simple_tag(takes_context=True)
def error_summary(context: template.Context) -> SafeString:
    entries: list[dict[str, Any]] = []
    for form in _forms_with_errors(context):
        entries.extend(error_entries(form))
    if not entries:
        return mark_safe("")
    return mark_safe(render_to_string("forms/_error_summary.html", {"entries": entries}))


@register.inclusion_tag("forms/_form_errors.html")
def form_errors(form: forms.BaseForm | None) -> dict[str, Any]:
    """The form's refusals of the whole form (and of its hidden fields), in a box at the top of the
    form; the summary's entries for them link to it."""
    errors = whole_form_errors(form) if form is not None else []
    return {"errors": errors, "box_id": form_errors_id(form) if errors and form is not None else ""}
