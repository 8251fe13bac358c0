from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medtek.documents.choices import AttachmentKind, LabelFormat

ACCEPT = (
    "application/pdf,image/*,.pdf,.jpg,.jpeg,.png,.gif,.webp,.heic,.docx,.xlsx,.pptx,.odt,.ods,.odp,"
    ".doc,.xls,.ppt,.txt,.csv"
)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    kind = forms.ChoiceField(label=_("Kind"), choices=AttachmentKind.choices, initial=AttachmentKind.OTHER)
    for_model = forms.BooleanField(
        required=False,
        label=_("For every device of this model"),
        help_text=_("A manual belongs to the model: it shows on every device of it."),
    )
    step = forms.ChoiceField(label=_("Evidence for step"), required=False, choices=[("", "—")])

    def __init__(self, *args: Any, target_type: str = "", step_choices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if target_type != "device":
            del self.fields["for_model"]
        if step_choices:
            self.fields["step"].choices = [("", "—"), *step_choices]  # type: ignore[attr-defined]
        else:
            del self.fields["step"]


class RemoveForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=300, required=False)


class LabelForm(forms.Form):
    format = forms.ChoiceField(label=_("Label format"), choices=LabelFormat.choices, initial=LabelFormat.A4)
