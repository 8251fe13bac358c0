"""Forms of the agreement pages (the services validate; forms only parse)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medtek.agreements.choices import AgreementKind, Arena, ContactRole, NoticeKind, RateRounding
from medtek.core.forms import LongSelect


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


CUSTOMER_ROWS = 10
DATE = {"type": "date"}


class AgreementForm(forms.Form):
    """A new agreement between an MT provider and its customers, each with the buyer reference its
    invoices carry; the service checks the parties, the period and overlaps."""

    reference = forms.CharField(label=_("Reference"), max_length=60)
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=AgreementKind.choices, initial=AgreementKind.MT_SUPPORT)
    provider = forms.TypedChoiceField(label=_("MT provider"), coerce=int)
    seller = forms.TypedChoiceField(
        label=_("Invoicing party"), coerce=int, help_text=_("The MT provider or the region it is part of")
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs=DATE))
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs=DATE))
    notice_months = forms.IntegerField(
        label=_("Notice period (months)"), min_value=0, max_value=120, initial=12
    )
    auto_extend = forms.BooleanField(label=_("Extended automatically"), required=False, initial=True)
    extension_months = forms.IntegerField(
        label=_("Extension (months)"), min_value=0, max_value=240, initial=24
    )
    rate_schedule = forms.TypedChoiceField(
        label=_("Hourly rate schedule"), coerce=int, required=False, empty_value=None
    )
    fixed_base_hours = forms.DecimalField(
        label=_("Fixed part: base hours per year"), min_value=0, max_digits=8, decimal_places=2, initial=40
    )
    fixed_minutes_per_device = forms.DecimalField(
        label=_("Fixed part: minutes per registered device"),
        min_value=0,
        max_digits=8,
        decimal_places=2,
        initial=12,
    )
    payment_terms_days = forms.IntegerField(
        label=_("Payment terms (days)"), min_value=0, max_value=365, initial=30
    )
    bankgiro = forms.CharField(label=_("Bankgiro"), max_length=20, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self,
        *args: Any,
        providers: list[tuple[int, str]],
        sellers: list[tuple[int, str]],
        customers: list[tuple[int, str]],
        schedules: list[tuple[int, str]],
        rows: int = CUSTOMER_ROWS,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        self._choices("provider", providers)
        self._choices("seller", sellers)
        self._choices("rate_schedule", [("", "—"), *schedules])
        for i in range(1, rows + 1):
            self.fields[f"customer_{i}"] = forms.TypedChoiceField(
                label=_("Customer %(n)s") % {"n": i},
                coerce=int,
                required=False,
                empty_value=None,
                choices=[("", "—"), *customers],
                widget=LongSelect,
            )
            self.fields[f"buyer_reference_{i}"] = forms.CharField(
                label=_("Buyer reference %(n)s") % {"n": i}, max_length=100, required=False
            )

    def _choices(self, name: str, choices: list[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def customer_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"customer_{i}"], self[f"buyer_reference_{i}"]) for i in range(1, self.rows + 1)]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.base_fields if name in self.fields]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for i in range(1, self.rows + 1):
            if cleaned.get(f"buyer_reference_{i}") and cleaned.get(f"customer_{i}") is None:
                self.add_error(f"customer_{i}", _("Choose the customer this buyer reference belongs to."))
        return cleaned

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        customers = []
        for i in range(1, self.rows + 1):
            customer = data.pop(f"customer_{i}", None)
            reference = data.pop(f"buyer_reference_{i}", "")
            if customer is not None:
                customers.append((customer, reference))
        return {**data, "customers": customers}


class AgreementEditForm(AgreementForm):
    """An agreement's terms, parties and invoicing, as recorded; its provider and kind stay (shown, not
    sent: another provider or kind is another agreement)."""

    @classmethod
    def initial_for(cls, agreement: Any) -> tuple[dict[str, Any], int]:
        """The agreement as it stands, a row per customer; and the rows to show (two to spare)."""
        parties = list(agreement.parties.all())
        initial: dict[str, Any] = {
            name: getattr(agreement, name)
            for name in cls.base_fields
            if name not in ("provider", "seller", "rate_schedule")
        }
        initial.update(
            provider=agreement.provider_id,
            seller=agreement.seller_id,
            rate_schedule=agreement.rate_schedule_id,
        )
        for i, party in enumerate(parties, start=1):
            initial[f"customer_{i}"] = party.customer_id
            initial[f"buyer_reference_{i}"] = party.buyer_reference
        return initial, max(CUSTOMER_ROWS, len(parties) + 2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("provider", "kind"):
            self.fields[name].disabled = True

    def service_kwargs(self) -> dict[str, Any]:
        data = super().service_kwargs()
        for name in ("provider", "kind"):
            data.pop(name, None)
        return data
