"""Forms of the agreement pages (the services validate; forms only parse)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medtek.agreements.choices import Arena, ContactRole, NoticeKind, RateRounding


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


class ContactForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Party"), coerce=int)
    role = forms.ChoiceField(label=_("Role in the agreement"), choices=ContactRole.choices)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args: Any, parties: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = parties  # type: ignore[attr-defined]


class ChangeNoticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of change"), choices=NoticeKind.choices)
    effective_on = forms.DateField(
        label=_("Takes effect on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    to_party = forms.TypedChoiceField(label=_("To"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, recipients: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_party"].choices = recipients  # type: ignore[attr-defined]
        if len(recipients) <= 1:
            self.fields["to_party"].widget = forms.HiddenInput()


class AcknowledgeForm(forms.Form):
    response = forms.CharField(label=_("Response"), max_length=4000, required=False)


class MonitoringForm(forms.Form):
    supplier = forms.TypedChoiceField(label=_("External supplier"), coerce=int)
    device_ids = forms.CharField(
        label=_("Devices (ids, separated by commas)"),
        max_length=20000,
        help_text=_("The devices the supplier maintains and MT watches"),
    )

    def __init__(self, *args: Any, suppliers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].choices = suppliers  # type: ignore[attr-defined]

    def clean_device_ids(self) -> list[int]:
        raw = self.cleaned_data["device_ids"].replace(";", ",").replace(" ", ",")
        try:
            return [int(part) for part in raw.split(",") if part.strip()]
        except ValueError as exc:
            raise forms.ValidationError(_("Give the devices' ids as numbers separated by commas.")) from exc


class EvaluationStartForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2200)


class EvaluationForm(forms.Form):
    mt_assessment = forms.CharField(
        label=_("MT's assessment"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )
    customer_assessment = forms.CharField(
        label=_("The customers' assessment"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    conclusions = forms.CharField(
        label=_("Conclusions"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )


class EvaluationActionForm(forms.Form):
    description = forms.CharField(
        label=_("Action"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner_party = forms.TypedChoiceField(label=_("Responsible party"), coerce=int)
    owner_name = forms.CharField(label=_("Owner"), max_length=200, required=False)
    due_on = forms.DateField(
        label=_("To be done by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, parties: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_party"].choices = parties  # type: ignore[attr-defined]


class EvaluationReportForm(forms.Form):
    arenas = forms.MultipleChoiceField(
        label=_("Reported to"),
        choices=Arena.choices,
        initial=list(Arena.values),
        widget=forms.CheckboxSelectMultiple,
    )
    reported_on = forms.DateField(
        label=_("Reported on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class AdviceLimitForm(forms.Form):
    advice_hours_limit = forms.DecimalField(
        label=_("Advice hours per customer and year"), required=False, max_digits=8, decimal_places=2
    )
