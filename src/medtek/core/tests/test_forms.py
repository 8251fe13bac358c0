"""The select renderer writes exactly what Django's templates write, only faster."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from medtek.core.forms import FormRenderer, LongSelect

CHOICES = [
    ("", "—"),
    ("Pumpar", [("1", "Infusomat <Space>"), ("2", "Volumat & co")]),
    ("3", 'Säng "Enterprise"'),
]


class Sample(forms.Form):
    single = forms.ChoiceField(choices=CHOICES, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    flag = forms.NullBooleanField(required=False)
    disabled = forms.ChoiceField(choices=CHOICES, disabled=True, required=False)
    hinted = forms.ChoiceField(
        choices=CHOICES, required=False, widget=forms.Select(attrs={"hx-get": "/x/?a=1&b=2", "class": "w"})
    )


@pytest.mark.parametrize("data", [None, {"single": "2", "many": ["1", "3"], "flag": "true", "hinted": "3"}])
@pytest.mark.parametrize("field", ["single", "many", "flag", "disabled", "hinted"])
def test_a_select_renders_as_djangos_template_renders_it(field: str, data: dict[str, object] | None) -> None:
    ours = Sample(data, renderer=FormRenderer())[field].as_widget()
    djangos = Sample(data, renderer=DjangoTemplates())[field].as_widget()
    assert ours == djangos


FLAT = [("", "—"), ("1", "Bergs kommun"), ("2", "Östersunds <kommun>"), ("3", "Åre & co")]


def _owner_form(widget: type[forms.Select]) -> type[forms.Form]:
    class OwnerForm(forms.Form):
        owner = forms.ChoiceField(
            choices=FLAT, required=False, widget=widget(attrs={"hx-get": "/x/?a=1&b=2"})
        )
        kind = forms.ChoiceField(choices=FLAT, widget=widget)

    return OwnerForm


@pytest.mark.parametrize("data", [None, {"owner": "2", "kind": "3"}, {"owner": "9"}])
@pytest.mark.parametrize("field", ["owner", "kind"])
def test_a_long_select_writes_what_django_writes(field: str, data: dict[str, object] | None) -> None:
    ours = _owner_form(LongSelect)(data, renderer=DjangoTemplates())[field].as_widget()
    djangos = _owner_form(forms.Select)(data, renderer=DjangoTemplates())[field].as_widget()
    assert ours == djangos


def test_a_long_select_of_a_model_choice_field_marks_the_chosen_one(world) -> None:
    from medtek.organizations.models import Organisation

    field = forms.ModelChoiceField(queryset=Organisation.objects.order_by("name"), widget=LongSelect)
    html = field.widget.render("owner", world.berg.pk)
    assert f'<option value="{world.berg.pk}" selected>' in html
    assert html.count(" selected") == 1


def test_a_service_refusal_lands_on_the_field_the_form_has_and_on_top_for_the_rest() -> None:
    from django import forms
    from django.core.exceptions import ValidationError

    from medtek.core.forms import add_service_errors

    class Form(forms.Form):
        serial = forms.CharField()

    form = Form(data={"serial": "S1"})
    assert form.is_valid()
    add_service_errors(
        form,
        ValidationError({"serial": "Finns redan.", "owner": "Okänd ägare.", "__all__": "Spärrad."}),
        label=lambda field: {"owner": "Ägare"}[field],
    )
    assert form.errors == {"serial": ["Finns redan."], "__all__": ["Ägare: Okänd ägare.", "Spärrad."]}


def test_a_refusal_without_fields_lands_on_top() -> None:
    from django import forms
    from django.core.exceptions import ValidationError

    from medtek.core.forms import add_service_errors

    form = forms.Form(data={})
    assert form.is_valid()
    add_service_errors(form, ValidationError("Avtalet är uppsagt."))
    assert form.non_field_errors() == ["Avtalet är uppsagt."]
