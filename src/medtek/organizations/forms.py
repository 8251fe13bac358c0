"""The organisation form of MT admin's pages: it reads the input; the services check it (organisation
number, municipality code, unique code) and their refusals come back at the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medtek.organizations.choices import OrganisationKind


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    short_code = forms.CharField(label=_("Code"), max_length=32, help_text=_("Short unique code"))
    org_number = forms.CharField(
        label=_("Organisation number"),
        max_length=20,
        required=False,
        help_text=_("10 digits, e.g. 556000-0000"),
    )
    municipality_code = forms.CharField(
        label=_("Municipality code"),
        max_length=4,
        required=False,
        help_text=_("SCB's four digits, e.g. 2326"),
    )
    street_address = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["active"]

    @staticmethod
    def initial_of(org: Any) -> dict[str, Any]:
        return {name: getattr(org, name) for name in OrganisationForm.base_fields}
