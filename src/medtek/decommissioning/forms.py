"""Forms of the surplus pages; the services decide, the forms only read the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medtek.decommissioning.choices import (
    ChecklistStep,
    Disposition,
    Register,
    SourceOutcome,
    SurplusReason,
    WasteCategory,
    WipeMethod,
)
from medtek.inventory.models import DeviceModel
from medtek.organizations.choices import OrganisationKind
from medtek.organizations.models import Organisation
from medtek.organizations.rules import Cap

DEVICE_ROWS = 5
LOT_ROWS = 2
YES_NO = [("", "—"), ("no", _("No")), ("yes", _("Yes"))]


class CaseForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Organisation"))
    reason = forms.ChoiceField(choices=SurplusReason.choices, label=_("Reason"))
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Note"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = Organisation.objects.visible_to(user, Cap.SURPLUS_REGISTER).exclude(
            kind__in=[
                OrganisationKind.MT_DEPARTMENT,
                OrganisationKind.AID_ORGANISATION,
                OrganisationKind.SUPPLIER,
            ]
        )
        self.fields["organisation"].queryset = orgs  # type: ignore[attr-defined]
        if orgs.count() == 1:
            self.fields["organisation"].initial = orgs.first()
        reasons = [("", _("(the case's reason)")), *SurplusReason.choices]
        for i in range(1, DEVICE_ROWS + 1):
            self.fields[f"asset_{i}"] = forms.CharField(
                required=False, label=_("Asset number"), max_length=40
            )
            self.fields[f"asset_reason_{i}"] = forms.ChoiceField(
                choices=reasons, required=False, label=_("Reason")
            )
        models = DeviceModel.objects.select_related("manufacturer").order_by("name")
        for i in range(1, LOT_ROWS + 1):
            self.fields[f"lot_model_{i}"] = forms.ModelChoiceField(
                queryset=models, required=False, label=_("Model")
            )
            self.fields[f"lot_quantity_{i}"] = forms.IntegerField(
                required=False, min_value=1, label=_("Quantity")
            )
            self.fields[f"lot_number_{i}"] = forms.CharField(
                required=False, max_length=40, label=_("Lot number")
            )
            self.fields[f"lot_expiry_{i}"] = forms.DateField(
                required=False, label=_("Expiry date"), widget=forms.DateInput(attrs={"type": "date"})
            )

    def device_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"asset_{i}"], self[f"asset_reason_{i}"]) for i in range(1, DEVICE_ROWS + 1)]

    def lot_rows(self) -> list[tuple[Any, ...]]:
        return [
            (
                self[f"lot_model_{i}"],
                self[f"lot_quantity_{i}"],
                self[f"lot_number_{i}"],
                self[f"lot_expiry_{i}"],
            )
            for i in range(1, LOT_ROWS + 1)
        ]


class AssessForm(forms.Form):
    condition = forms.CharField(required=False, max_length=200, label=_("Condition"))
    accessories = forms.CharField(required=False, max_length=300, label=_("Accessories"))
    manuals_included = forms.BooleanField(required=False, label=_("Manuals included"))
    functional_test_done = forms.BooleanField(required=False, label=_("Functional test done"))
    estimated_value = forms.DecimalField(
        required=False, min_value=0, decimal_places=2, label=_("Estimated value (SEK)")
    )
    assessment_note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Assessment")
    )


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class DecisionForm(forms.Form):
    disposition = forms.ChoiceField(choices=Disposition.choices, label=_("Decision"))
    not_donated_reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Reason it is not donated"),
        help_text=_("Required to sell or destroy an item that could be donated"),
    )
    recipient = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label=_("Recipient"),
        help_text=_("Aid organisation, supplier or buyer"),
    )
    shipment_date = forms.DateField(
        required=False,
        label=_("Planned shipment date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For a donation; today if empty"),
    )
    estimated_value = forms.DecimalField(
        required=False, min_value=0, decimal_places=2, label=_("Estimated value (SEK)")
    )
    selling_costs = forms.DecimalField(
        required=False, min_value=0, decimal_places=2, label=_("Costs of selling (SEK)")
    )
    buyer_is_end_customer = forms.ChoiceField(
        choices=YES_NO, required=False, label=_("Buyer is an end customer")
    )
    distributor_responsibility = forms.ChoiceField(
        choices=YES_NO, required=False, label=_("Region takes on distributor responsibility")
    )
    contract_reference = forms.CharField(required=False, max_length=100, label=_("Contract reference"))
    waste_category = forms.ChoiceField(
        choices=[("", "—"), *WasteCategory.choices], required=False, label=_("Waste category")
    )
    reuse_owner = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, label=_("New owner (reuse)")
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Note"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind__in=[OrganisationKind.AID_ORGANISATION, OrganisationKind.SUPPLIER], active=True
        ).order_by("name")
        self.fields["reuse_owner"].queryset = Organisation.objects.visible_to(  # type: ignore[attr-defined]
            user, Cap.REGISTER_EDIT
        ).order_by("name")

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["buyer_is_end_customer"] = _yes_no(data["buyer_is_end_customer"])
        data["distributor_responsibility"] = _yes_no(data["distributor_responsibility"])
        return data


class StepForm(forms.Form):
    step = forms.ChoiceField(choices=ChecklistStep.choices, label=_("Step"))
    method = forms.CharField(
        required=False, max_length=200, label=_("Method"), help_text=_("How the patient data was wiped")
    )
    performed_by = forms.CharField(required=False, max_length=200, label=_("Performed by (if someone else)"))
    note = forms.CharField(required=False, max_length=1000, label=_("Note"))
    # Evidence (Halland's routine): which fields a step needs is the service's rule.
    wipe_method = forms.ChoiceField(
        required=False, label=_("Wiping method"), choices=[("", "—"), *WipeMethod.choices]
    )
    verified_by = forms.CharField(
        required=False, max_length=150, label=_("Verified by (user name of a second person)")
    )
    source_outcome = forms.ChoiceField(
        required=False, label=_("Radiation source"), choices=[("", "—"), *SourceOutcome.choices]
    )
    receiver = forms.CharField(required=False, max_length=200, label=_("Receiver of the source"))
    licence_reference = forms.CharField(required=False, max_length=200, label=_("Receiver's licence (SSM)"))
    ssm_notified_on = forms.DateField(
        required=False, label=_("SSM notified"), widget=forms.DateInput(attrs={"type": "date"})
    )
    registers = forms.MultipleChoiceField(
        required=False,
        label=_("Removed from"),
        choices=Register.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    fixed_asset_number = forms.CharField(required=False, max_length=100, label=_("Fixed-asset number"))
    book_value = forms.DecimalField(
        required=False, max_digits=12, decimal_places=2, min_value=0, label=_("Book value (SEK)")
    )
    disposal = forms.CharField(required=False, max_length=200, label=_("Disposal (for finance)"))

    EVIDENCE = (
        "wipe_method",
        "source_outcome",
        "receiver",
        "licence_reference",
        "ssm_notified_on",
        "registers",
        "fixed_asset_number",
        "book_value",
        "disposal",
    )

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        evidence = {name: data.pop(name) for name in self.EVIDENCE}
        return {**data, "evidence": evidence, "verified_by": data.pop("verified_by") or None}


class ShipmentForm(forms.Form):
    aid_agreement = forms.IntegerField(widget=forms.HiddenInput)
    shipment_date = forms.DateField(label=_("Shipment date"), widget=forms.DateInput(attrs={"type": "date"}))
    items = forms.TypedMultipleChoiceField(coerce=int, choices=[], label=_("Items"))
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Note"))

    def __init__(self, *args: Any, item_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = item_choices  # type: ignore[attr-defined]


class FollowUpForm(forms.Form):
    follow_up = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("Where the items went"))
    received_on = forms.DateField(
        required=False, label=_("Received"), widget=forms.DateInput(attrs={"type": "date"})
    )


class PeriodForm(forms.Form):
    date_from = forms.DateField(
        required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))


class AidAgreementForm(forms.Form):
    """The region's agreement with an aid organisation (e.g. Human Bridge, RS130364)."""

    region = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Region"))
    aid_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Aid organisation")
    )
    reference = forms.CharField(
        label=_("Reference"), max_length=40, help_text=_("The agreement's number, e.g. RS130364")
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(
        label=_("Valid to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: until further notice"),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region: Any = self.fields["region"]
        region.queryset = (
            Organisation.objects.visible_to(user, Cap.AGREEMENT_MANAGE)
            .filter(kind__in=[OrganisationKind.REGION, OrganisationKind.MT_DEPARTMENT])
            .order_by("name")
        )
        aid: Any = self.fields["aid_organisation"]
        aid.queryset = Organisation.objects.filter(kind=OrganisationKind.AID_ORGANISATION).order_by("name")


class AidAgreementEditForm(AidAgreementForm):
    """An aid agreement as recorded; its region stays (shown, not sent)."""

    def __init__(self, *args: Any, agreement: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "region": agreement.region_id,
                "aid_organisation": agreement.aid_organisation_id,
                "reference": agreement.reference,
                "valid_from": agreement.valid_from,
                "valid_to": agreement.valid_to,
                "notes": agreement.notes,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["region"].disabled = True

    def changes(self) -> dict[str, Any]:
        """The form's values for the service: all but the region."""
        return {name: value for name, value in self.cleaned_data.items() if name != "region"}
