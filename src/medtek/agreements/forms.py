"""Forms of the agreement pages (the services validate; forms only parse)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from medtek.agreements.choices import RateRounding


class TerminateForm(forms.Form):
    given_on = forms.DateField(label=_("Notice given on"), widget=forms.DateInput(attrs={"type": "date"}))
    decision_reference = forms.CharField(label=_("Decision reference"), max_length=200)
    forum = forms.CharField(
        label=_("Forum"), max_length=200, initial=_("Länsövergripande politisk samverkansarena")
    )


class IndexFigureForm(forms.Form):
    year = forms.IntegerField(label=_("Applies from 1 January of"), min_value=1900, max_value=2200)
    change_percent = forms.DecimalField(label=_("Change (%)"), max_digits=6, decimal_places=3)
    publication_reference = forms.CharField(label=_("Publication"), max_length=200)
    is_example = forms.BooleanField(label=_("Example figure (to be replaced)"), required=False)


class DayForm(forms.Form):
    day = forms.DateField(label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class RoundingForm(forms.Form):
    rounding = forms.ChoiceField(
        label=_("Rounding of the indexed rate"),
        choices=RateRounding.choices,
        help_text=_("Each year's indexed rate is rounded half up to this unit and is the base of the next"),
    )
