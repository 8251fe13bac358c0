"""Forms of the report pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class FollowupForm(forms.Form):
    agreement = forms.ChoiceField(label=_("Agreement"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2200)

    def __init__(self, *args, agreements=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        field = self.fields["agreement"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(a.pk, f"{a.reference} {a.title}") for a in agreements]
