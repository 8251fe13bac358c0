"""Forms of the billing pages (the services validate; forms only parse)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from medtek.billing.choices import BillingPart, InvoiceStatus


class RunForm(forms.Form):
    part = forms.ChoiceField(label=_("Part"), choices=BillingPart.choices)
    period = forms.CharField(
        label=_("Period"), max_length=8, help_text=_("2026H1 (fixed) or 2026-03 (variable)")
    )
    reference_date = forms.DateField(
        label=_("Count devices on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Fixed part only; empty: the agreement's setting"),
    )


class CreditForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class InvoiceFilterForm(forms.Form):
    period = forms.CharField(label=_("Period"), max_length=8, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", "—"), *InvoiceStatus.choices], required=False)
    part = forms.ChoiceField(label=_("Part"), choices=[("", "—"), *BillingPart.choices], required=False)


class BasisForm(forms.Form):
    agreement = forms.ChoiceField(label=_("Agreement"))
    period = forms.CharField(label=_("Half-year"), max_length=8, initial="2025H2")
    reference_date = forms.DateField(
        label=_("Count devices on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, agreements=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        field = self.fields["agreement"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(a.pk, f"{a.reference} {a.title}") for a in agreements]
