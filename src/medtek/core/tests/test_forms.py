"""The select renderer writes exactly what Django's templates write, only faster."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from medtek.core.forms import FormRenderer

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
