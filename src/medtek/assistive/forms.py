"""Forms of the assistive-device pages; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from medtek.assistive.choices import FailedDecision, ReturnCondition
from medtek.decommissioning.choices import WasteCategory


def _choices(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class PrescriptionForm(forms.Form):
    patient_identity = forms.CharField(
        label=_("Patient's personnummer or samordningsnummer"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "ÅÅÅÅMMDD-NNNN"}),
    )
    article = forms.TypedChoiceField(label=_("Article"), coerce=int)
    need = forms.CharField(label=_("Need"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    delivery_address = forms.CharField(label=_("Delivery address"), max_length=200, required=False)
    prescriber = forms.TypedChoiceField(label=_("Prescriber"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, articles: Any = (), prescribers: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "article", [(a.pk, f"{a.iso_code} {a.name}") for a in articles])
        if prescribers:
            _choices(self, "prescriber", [("", "—"), *((p.pk, str(p)) for p in prescribers)])
        else:
            del self.fields["prescriber"]


class DispenseForm(forms.Form):
    device = forms.TypedChoiceField(label=_("Item in stock"), coerce=int)
    delivered_to = forms.CharField(label=_("Delivered to"), max_length=200, required=False)

    def __init__(self, *args: Any, items: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "device", [(i.device_id, i.device.asset_number) for i in items])


class FittingForm(forms.Form):
    fitted = forms.BooleanField(label=_("The device fits the patient"), required=False)
    adjustments = forms.CharField(label=_("Adjustments"), max_length=2000, required=False)
    result = forms.CharField(label=_("Result"), max_length=2000, required=False)


class ReturnForm(forms.Form):
    condition = forms.ChoiceField(label=_("Condition"), choices=ReturnCondition.choices)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class ArticleForm(forms.Form):
    """An article of the catalogue; the model is chosen when the article is added, never changed."""

    centre = forms.TypedChoiceField(label=_("Centre"), coerce=int)
    device_model = forms.TypedChoiceField(label=_("Model"), coerce=int)
    name = forms.CharField(label=_("Article"), max_length=200)
    iso_code = forms.CharField(
        label=_("ISO 9999 code"), max_length=12, widget=forms.TextInput(attrs={"placeholder": "12 36 03"})
    )
    monthly_rent = forms.DecimalField(label=_("Rent per month (SEK)"), max_digits=14, decimal_places=2)
    price = forms.DecimalField(label=_("Price (SEK)"), max_digits=14, decimal_places=2)
    needs_fitting = forms.BooleanField(label=_("Needs fitting (utprovning)"), required=False)
    fitting_fee = forms.DecimalField(
        label=_("Fitting fee (SEK)"), max_digits=14, decimal_places=2, required=False
    )
    delivery_fee = forms.DecimalField(
        label=_("Delivery fee (SEK)"), max_digits=14, decimal_places=2, required=False
    )

    def __init__(self, *args: Any, centres: Any = (), models: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if models is None:
            del self.fields["device_model"]
        else:
            _choices(self, "device_model", [("", "—"), *((m.pk, str(m)) for m in models)])
        if len(centres) > 1:
            _choices(self, "centre", [(c.pk, c.name) for c in centres])
        else:
            del self.fields["centre"]


class ItemForm(forms.Form):
    """An item of an article to register: its asset number, serial number and acquisition date."""

    asset_number = forms.CharField(label=_("Asset number"), max_length=50)
    serial_number = forms.CharField(label=_("Serial number"), max_length=100, required=False)
    acquisition_date = forms.DateField(
        label=_("Acquisition date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class BillingForm(forms.Form):
    """The month whose assistive-device rent to bill; `confirmed` once the user has seen the count."""

    period = forms.RegexField(
        label=_("Month"),
        regex=r"^\d{4}-\d{2}$",
        max_length=7,
        error_messages={"invalid": _("Give the month as YYYY-MM, e.g. 2026-03.")},
        widget=forms.TextInput(attrs={"placeholder": "2026-03"}),
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


DECISION_LABELS = {
    FailedDecision.REPAIR.value: pgettext_lazy("failed reconditioning", "Repair"),
    FailedDecision.SURPLUS.value: pgettext_lazy("failed reconditioning", "Surplus (surplus case)"),
    FailedDecision.SCRAP.value: pgettext_lazy("failed reconditioning", "Scrap"),
}


class FailedDecisionForm(forms.Form):
    """HMC's decision after a failed reconditioning: repair, surplus (a surplus case) or scrapping."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=list(DECISION_LABELS.items()),
    )
    waste_category = forms.ChoiceField(
        label=_("Waste category"),
        required=False,
        choices=[("", "—"), *WasteCategory.choices],
        help_text=_("Needed for scrapping."),
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def decision_label(self) -> str:
        return str(DECISION_LABELS.get(self.cleaned_data["decision"], ""))
