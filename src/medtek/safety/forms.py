"""Forms of the safety pages: a notice, a finding, a manufacturer's list, an acknowledgement, an
incident and its assessment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medtek.inventory.forms import DateInput
from medtek.inventory.models import DeviceModel, Manufacturer
from medtek.safety.choices import Decision, IncidentKind, NoticeAction, PatientHarm, Urgency

SERIAL_ROWS = 3


def _lines(text: str) -> list[str]:
    return [part.strip() for line in (text or "").splitlines() for part in line.split(",") if part.strip()]


class NoticeForm(forms.Form):
    manufacturer = forms.ModelChoiceField(queryset=Manufacturer.objects.all(), label=_("Manufacturer"))
    reference = forms.CharField(max_length=80, label=_("Manufacturer's reference"))
    title = forms.CharField(max_length=200, label=_("Title"))
    issued_on = forms.DateField(widget=DateInput(), label=_("Date of the notice"))
    action = forms.ChoiceField(choices=NoticeAction.choices, label=_("What to do"))
    urgency = forms.ChoiceField(choices=Urgency.choices, label=_("Urgency"))
    instructions = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Instructions")
    )
    models = forms.ModelMultipleChoiceField(
        queryset=DeviceModel.objects.select_related("manufacturer"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        label=_("Affected models"),
    )
    udi_dis = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("UDI-DIs"),
        help_text=_("One GTIN per line"),
    )
    lots = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Lots"),
        help_text=_("One per line or separated by commas; L2401..L2406 names the lots from L2401 to L2406"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, SERIAL_ROWS + 1):
            self.fields[f"serial_start_{i}"] = forms.CharField(
                required=False, max_length=80, label=_("Serial range %(n)s, from") % {"n": i}
            )
            self.fields[f"serial_end_{i}"] = forms.CharField(required=False, max_length=80, label=_("to"))

    def criteria(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "model_ids": [m.pk for m in data["models"]],
            "udi_dis": _lines(data["udi_dis"]),
            "lots": _lines(data["lots"]),
            "serial_ranges": [
                (data.get(f"serial_start_{i}") or "", data.get(f"serial_end_{i}") or "")
                for i in range(1, SERIAL_ROWS + 1)
            ],
        }


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (Decision.AFFECTED, Decision.AFFECTED.label),
            (Decision.NOT_AFFECTED, Decision.NOT_AFFECTED.label),
        ],
        label=_("Finding"),
    )
    reason = forms.CharField(required=False, max_length=500, label=_("Reason"))


class AffectedListForm(forms.Form):
    file = forms.FileField(
        label=_("Manufacturer's list (CSV or XLSX)"),
        help_text=_("One serial number or UDI per row, in the first column"),
    )


class AcknowledgeForm(forms.Form):
    customer = forms.TypedChoiceField(coerce=int, label=_("Customer"))
    note = forms.CharField(required=False, max_length=500, label=_("Note"))

    def __init__(self, *args: Any, customers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].choices = customers  # type: ignore[attr-defined]
        if len(customers) == 1:
            self.fields["customer"].initial = customers[0][0]
            self.fields["customer"].widget = forms.HiddenInput()


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class IncidentForm(forms.Form):
    asset_number = forms.CharField(max_length=40, label=_("Asset number"))
    kind = forms.ChoiceField(choices=IncidentKind.choices, label=_("Kind"))
    occurred_at = forms.DateTimeField(widget=DateTimeInput(), label=_("When"))
    place = forms.CharField(max_length=200, label=_("Where"), help_text=_("Care unit and room"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label=_("What happened"))
    patient_harm = forms.ChoiceField(
        choices=[("", "—"), *PatientHarm.choices], label=_("Was a patient harmed?")
    )
    block_device = forms.BooleanField(required=False, label=_("Block the device from use at once"))


class AssessmentForm(forms.Form):
    report_manufacturer = forms.BooleanField(required=False, label=_("Report to the manufacturer"))
    manufacturer_reference = forms.CharField(
        required=False, max_length=80, label=_("Manufacturer's reference")
    )
    manufacturer_reported_on = forms.DateField(
        required=False, widget=DateInput(), label=_("Reported to the manufacturer on")
    )
    report_authority = forms.BooleanField(required=False, label=_("Report to Läkemedelsverket"))
    authority_reference = forms.CharField(
        required=False, max_length=80, label=_("Läkemedelsverket's reference")
    )
    authority_reported_on = forms.DateField(
        required=False, widget=DateInput(), label=_("Reported to Läkemedelsverket on")
    )
    assessment = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Assessment")
    )
