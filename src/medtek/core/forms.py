"""Forms on every page: the one way a POST is handled (`handle_form`), the error summary's entries, and
the form renderer (Django's templates, with <select> and <input> elements written directly in Python).

Django renders every <option> through its own template include, about 0.1 ms an option; the register's
pages carry selects of hundreds of organisations and device models, which made rendering most of a
page's time. The HTML is the same as Django's template writes (see the tests).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest, HttpResponse
from django.utils.safestring import SafeData, SafeString, mark_safe

from medtek.core.errors import messages_by_field

SELECT_TEMPLATE = "django/forms/widgets/select.html"
Option = tuple[Any, dict[str, Any], Any]  # value, attributes, label


def _escape(text: Any) -> str:
    """As django.utils.html.escape (always escapes), without its lazy and SafeString wrapping."""
    return html.escape(str(text))


def _shown(value: Any) -> str:
    """A value as a template writes `{{ value }}` or `{{ value|stringformat:'s' }}`: escaped unless safe."""
    return str(value) if isinstance(value, SafeData) else html.escape(str(value))


def _attrs(attrs: dict[str, Any]) -> str:
    """As django/forms/widgets/attrs.html: False leaves a name out, True writes it bare."""
    return "".join(
        f" {_shown(name)}" if value is True else f' {_shown(name)}="{_shown(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


# The widgets whose template is django/forms/widgets/input.html alone.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{kind}.html"
    for kind in (
        "input",
        "text",
        "search",
        "number",
        "email",
        "url",
        "tel",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "color",
        "file",
        "checkbox",
    )
)


# An error list's templates: `{% if errors %}...{% endif %}` (every field on a page has one, mostly empty).
EMPTY_WHEN_NO_ERRORS = frozenset(
    ("django/forms/errors/list/default.html", "django/forms/errors/list/ul.html")
)


def render_input(widget: dict[str, Any]) -> SafeString:
    """An <input> widget's context (`widget` of Widget.get_context) as django/forms/widgets/input.html
    writes it."""
    value = widget["value"]
    shown = "" if value is None else f' value="{_shown(value)}"'
    kind, name = _shown(widget["type"]), _shown(widget["name"])
    return mark_safe(f'<input type="{kind}" name="{name}"{shown}{_attrs(widget["attrs"])}>')


def write_select(
    name: str, attrs: dict[str, Any], groups: Iterable[tuple[Any, Iterable[Option]]]
) -> SafeString:
    """A <select> exactly as Django's select.html and select_option.html write it.

    `groups` are (group label or None, [(value, option attributes, label), ...]).
    """
    parts = [f'<select name="{_escape(name)}"{_attrs(attrs)}>']
    for group_name, options in groups:
        if group_name:
            parts.append(f'\n  <optgroup label="{_escape(group_name)}">')
        for value, option_attrs, label in options:
            # select_option.html ends with a newline
            parts.append(
                f'\n  <option value="{_escape(value)}"{_attrs(option_attrs)}>{_escape(label)}</option>\n'
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))


def render_select(widget: dict[str, Any]) -> SafeString:
    """A select widget's context (`widget` of ChoiceWidget.get_context) as HTML."""
    groups = (
        (group_name, ((o["value"], o["attrs"], o["label"]) for o in options))
        for group_name, options, _index in widget["optgroups"]
    )
    return write_select(widget["name"], widget["attrs"], groups)


class FormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT_TEMPLATE:
            return render_select(context["widget"])
        if template_name in INPUT_TEMPLATES:
            return render_input(context["widget"])
        if template_name in EMPTY_WHEN_NO_ERRORS and not context.get("errors"):
            return ""  # a field without errors: the list's template writes nothing
        return super().render(template_name, context, request)


class LongSelect(forms.Select):
    """A <select> for long lists (organisations, device models, locations): its options are built and
    written in one pass, without Django's per-option context, for the same HTML (see the tests)."""

    def render(  # type: ignore[override]
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> str:
        chosen = {str(v) for v in self.format_value(value)}
        choices = self.choices
        # A long model choice lists plain (pk, label) pairs: no per-row choice value objects.
        pairs = choices.pairs() if isinstance(choices, _ValuesChoiceIterator) else choices
        parts = []
        marked = False
        for option_value, label in pairs:
            if isinstance(label, list | tuple):  # option groups: the general path
                return super().render(name, value, attrs, renderer)
            text = "" if option_value is None else str(option_value)
            selected = not marked and text in chosen
            marked = marked or selected
            # as select_option.html, which ends with a newline
            parts.append(
                f'\n  <option value="{_escape(text)}"{" selected" if selected else ""}>'
                f"{_escape(label)}</option>\n"
            )
        start = f'<select name="{_escape(name)}"{_attrs(self.build_attrs(self.attrs, attrs))}>'
        return mark_safe(f"{start}{''.join(parts)}\n</select>")


class _ValuesChoiceIterator(ModelChoiceIterator):
    """The choices from the few columns their labels need, not from model instances of every row."""

    field: LongModelChoiceField

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        label = self.field.label_from_values
        for pk, *values in self.queryset.values_list("pk", *self.field.label_fields):
            yield (ModelChoiceIteratorValue(pk, None), label(*values))  # type: ignore[arg-type]

    def pairs(self) -> Iterator[tuple[Any, Any]]:
        """The choices as (pk, label) pairs, for writing the options straight out."""
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        label = self.field.label_from_values
        for pk, *values in self.queryset.values_list("pk", *self.field.label_fields):
            yield (pk, label(*values))


class LongModelChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A model choice among hundreds (organisations, models, locations), listed from values alone.

    A subclass names the columns of its label (`label_fields`) and joins them (`label_from_values`).
    """

    widget = LongSelect
    iterator = _ValuesChoiceIterator
    label_fields: tuple[str, ...] = ("name",)

    def label_from_values(self, *values: Any) -> str:
        return " ".join(str(v) for v in values if v)


def add_service_errors(
    form: forms.Form,
    exc: ValidationError,
    *,
    label: Callable[[str], str] | None = None,
    fields: Mapping[str, str] | None = None,
) -> None:
    """Put a service's refusal on the form: each message on its field when the form has that field,
    else at the top — named with `label(field)` when given, so "Serienummer: ..." still says where.

    `fields` names the form's field for a service's field where the two differ (the service's `item` is
    the form's `device`); NON_FIELD_ERRORS there puts that field's refusal on the whole form, unnamed.
    """
    for field, messages in messages_by_field(exc).items():
        name = (fields or {}).get(field, field)
        target = name if name in form.fields else None
        for message in messages:
            if target is None and name != NON_FIELD_ERRORS and label is not None:
                message = f"{label(field)}: {message}"
            form.add_error(target, message)


T = TypeVar("T")
REFUSED_STATUS = 422


def handle_form(
    request: HttpRequest,
    form: forms.Form,
    service: Callable[[dict[str, Any]], T],
    *,
    done: Callable[[T], HttpResponse],
    again: Callable[[Any], HttpResponse],
    label: Callable[[str], str] | None = None,
    fields: Mapping[str, str] | None = None,
) -> HttpResponse:
    """The one way a page answers a sent form.

    A valid form's data goes to `service` (a call of the app's service); what it returns goes to `done`
    (a redirect, usually with a message). A form the fields refuse, or a service's refusal put on its
    fields (`add_service_errors`), goes to `again`, which shows the page with the form as it was sent:
    the typed values stay, each error at its field, and the page's error summary lists them (the form
    is remembered on the request for it); the answer is 422.
    """
    if form.is_valid():
        try:
            result = service(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc, label=label, fields=fields)
        else:
            return done(result)
    refused_forms(request).append(form)
    response = again(form)
    response.status_code = REFUSED_STATUS
    return response


def refused_forms(request: HttpRequest) -> list[forms.BaseForm]:
    """The forms this request sent and had refused, for the error summary at the top of the page."""
    found: list[forms.BaseForm] | None = getattr(request, "_refused_forms", None)
    if found is None:
        found = []
        request._refused_forms = found  # type: ignore[attr-defined]
    return found


def form_errors_id(form: forms.BaseForm) -> str:
    """The id of the box at the top of the form that shows its errors of the whole form (`{% form_errors
    form %}`); a form may name its own (`errors_id`) where a page shows several of its kind."""
    own: str = getattr(form, "errors_id", "")
    return own or (f"{form.prefix}-form-errors" if form.prefix else "form-errors")


def whole_form_errors(form: forms.BaseForm) -> list[str]:
    """What the form's error box shows: its errors of the whole form, and those of its hidden fields."""
    if not form.is_bound:
        return []
    found = [str(message) for message in form.non_field_errors()]
    for bound in form.hidden_fields():
        found.extend(str(message) for message in bound.errors)
    return found


def error_entries(form: forms.BaseForm) -> list[dict[str, str]]:
    """The form's errors as the summary lists them: `{"message", "target"}`, the target the id of the
    field's input, or for an error of the whole form the id of the form's own error box (which the page
    shows at the top of the form, with the errors of its hidden fields). Fields in page order."""
    entries: list[dict[str, str]] = []
    errors = form.errors
    for message in errors.get(NON_FIELD_ERRORS, []):
        entries.append({"message": str(message), "target": form_errors_id(form)})
    for name in form.fields:
        if name not in errors:
            continue
        bound = form[name]
        hidden = bound.is_hidden
        target = form_errors_id(form) if hidden else (bound.id_for_label or "")
        for message in errors[name]:
            text = str(message)
            if bound.label and not hidden:
                text = f"{bound.label}: {text}"
            entries.append({"message": text, "target": target})
    return entries
