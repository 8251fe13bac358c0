"""The select and input renderers write exactly what Django's templates write, only faster."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from medtek.core.forms import FormRenderer, LongModelChoiceField, LongSelect

CHOICES = [
    ("", "—"),
    ("Pumpar", [("1", "Infusomat <Space>"), ("2", "Volumat & co")]),
    ("3", 'Säng "Enterprise"'),
]


class Sample(forms.Form):
    single = forms.ChoiceField(choices=CHOICES, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    flag = forms.NullBooleanField(required=False)
    disabled = forms.ChoiceField(choices=CHOICES, disabled=True, required=False)
    hinted = forms.ChoiceField(
        choices=CHOICES, required=False, widget=forms.Select(attrs={"hx-get": "/x/?a=1&b=2", "class": "w"})
    )


@pytest.mark.parametrize("data", [None, {"single": "2", "many": ["1", "3"], "flag": "true", "hinted": "3"}])
@pytest.mark.parametrize("field", ["single", "many", "flag", "disabled", "hinted"])
def test_a_select_renders_as_djangos_template_renders_it(field: str, data: dict[str, object] | None) -> None:
    ours = Sample(data, renderer=FormRenderer())[field].as_widget()
    djangos = Sample(data, renderer=DjangoTemplates())[field].as_widget()
    assert ours == djangos


FLAT = [("", "—"), ("1", "Bergs kommun"), ("2", "Östersunds <kommun>"), ("3", "Åre & co")]


def _owner_form(widget: type[forms.Select]) -> type[forms.Form]:
    class OwnerForm(forms.Form):
        owner = forms.ChoiceField(
            choices=FLAT, required=False, widget=widget(attrs={"hx-get": "/x/?a=1&b=2"})
        )
        kind = forms.ChoiceField(choices=FLAT, widget=widget)

    return OwnerForm


@pytest.mark.parametrize("data", [None, {"owner": "2", "kind": "3"}, {"owner": "9"}])
@pytest.mark.parametrize("field", ["owner", "kind"])
def test_a_long_select_writes_what_django_writes(field: str, data: dict[str, object] | None) -> None:
    ours = _owner_form(LongSelect)(data, renderer=DjangoTemplates())[field].as_widget()
    djangos = _owner_form(forms.Select)(data, renderer=DjangoTemplates())[field].as_widget()
    assert ours == djangos


def test_a_long_select_of_a_model_choice_field_marks_the_chosen_one(world) -> None:
    from medtek.organizations.models import Organisation

    field = forms.ModelChoiceField(queryset=Organisation.objects.order_by("name"), widget=LongSelect)
    html = field.widget.render("owner", world.berg.pk)
    assert f'<option value="{world.berg.pk}" selected>' in html
    assert html.count(" selected") == 1


def test_a_long_model_choice_writes_what_djangos_select_writes(world) -> None:
    from medtek.organizations.models import Organisation

    class Named(LongModelChoiceField):
        label_fields = ("name",)

    class Plain(forms.ModelChoiceField):  # type: ignore[type-arg]
        def label_from_instance(self, obj: Organisation) -> str:
            return obj.name

    queryset = Organisation.objects.order_by("name")
    for value in (None, world.berg.pk, "nothing"):
        ours = Named(queryset=queryset, empty_label="Alla <ägare>").widget.render("owner", value)
        djangos = Plain(queryset=queryset, empty_label="Alla <ägare>").widget.render(
            "owner", value, renderer=DjangoTemplates()
        )
        assert ours == djangos


class Inputs(forms.Form):
    text = forms.CharField(
        max_length=10, widget=forms.TextInput(attrs={"placeholder": 'a "b" & <c>', "autofocus": True})
    )
    search = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "search", "off": False}))
    number = forms.IntegerField(required=False)
    amount = forms.DecimalField(required=False)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date", "max": "2026-01-01"}))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    secret = forms.CharField(required=False, widget=forms.PasswordInput)
    mail = forms.EmailField(required=False)
    flag = forms.BooleanField(required=False)
    safe = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"data-x": mark_safe("<b>&amp;</b>")})
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "text": 'x"<y>&',
            "search": "Säng",
            "number": "12",
            "amount": "1.50",
            "day": "2025-02-03",
            "hidden": "a&b",
            "secret": "s",
            "mail": "a@b",
            "flag": "on",
        },
    ],
)
@pytest.mark.parametrize("field", list(Inputs.base_fields))
def test_an_input_renders_as_djangos_template_renders_it(field: str, data: dict[str, object] | None) -> None:
    ours = Inputs(data, renderer=FormRenderer())[field].as_widget()
    djangos = Inputs(data, renderer=DjangoTemplates())[field].as_widget()
    assert ours == djangos
    assert Inputs(data, renderer=FormRenderer())[field].as_hidden() == (
        Inputs(data, renderer=DjangoTemplates())[field].as_hidden()
    )


@pytest.mark.parametrize("data", [None, {"text": "far too long here", "number": "x", "mail": "y"}])
def test_a_fields_errors_render_as_djangos_template_renders_them(data: dict[str, object] | None) -> None:
    ours, djangos = Inputs(data, renderer=FormRenderer()), Inputs(data, renderer=DjangoTemplates())
    for field in Inputs.base_fields:
        assert str(ours[field].errors) == str(djangos[field].errors)
        assert ours[field].errors.as_ul() == djangos[field].errors.as_ul()
    assert str(ours.non_field_errors()) == str(djangos.non_field_errors())


def test_a_service_refusal_lands_on_the_field_the_form_has_and_on_top_for_the_rest() -> None:
    from django import forms
    from django.core.exceptions import ValidationError

    from medtek.core.forms import add_service_errors

    class Form(forms.Form):
        serial = forms.CharField()

    form = Form(data={"serial": "S1"})
    assert form.is_valid()
    add_service_errors(
        form,
        ValidationError({"serial": "Finns redan.", "owner": "Okänd ägare.", "__all__": "Spärrad."}),
        label=lambda field: {"owner": "Ägare"}[field],
    )
    assert form.errors == {"serial": ["Finns redan."], "__all__": ["Ägare: Okänd ägare.", "Spärrad."]}


def test_a_refusal_named_as_the_service_names_it_lands_on_the_forms_field() -> None:
    from django import forms
    from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

    from medtek.core.forms import add_service_errors

    class Form(forms.Form):
        device = forms.CharField()

    form = Form(data={"device": "HMC-1"})
    assert form.is_valid()
    add_service_errors(
        form,
        ValidationError({"item": "Utlånad.", "results": "Redan registrerat."}),
        label=str.upper,
        fields={"item": "device", "results": NON_FIELD_ERRORS},
    )
    assert form.errors == {"device": ["Utlånad."], "__all__": ["Redan registrerat."]}


def test_a_refusal_without_fields_lands_on_top() -> None:
    from django import forms
    from django.core.exceptions import ValidationError

    from medtek.core.forms import add_service_errors

    form = forms.Form(data={})
    assert form.is_valid()
    add_service_errors(form, ValidationError("Avtalet är uppsagt."))
    assert form.non_field_errors() == ["Avtalet är uppsagt."]


# --- the one way a page answers a sent form ---------------------------------------------------


class Entry(forms.Form):
    hours = forms.DecimalField(label="Timmar")
    note = forms.CharField(label="Anteckning", required=False)


def _post(data: dict[str, str]) -> object:
    from django.test import RequestFactory

    return RequestFactory().post("/", data)


def test_a_valid_form_goes_to_the_service_and_its_result_to_done() -> None:
    from django.http import HttpResponse

    from medtek.core.forms import handle_form

    seen: list[object] = []
    response = handle_form(
        _post({}),  # type: ignore[arg-type]
        Entry(data={"hours": "2.5", "note": "Byte"}),
        lambda data: seen.append(data["hours"]) or "saved",
        done=lambda result: HttpResponse(result, status=302),
        again=lambda form: HttpResponse("again"),
    )
    assert (response.status_code, response.content, [str(h) for h in seen]) == (302, b"saved", ["2.5"])


def test_a_refused_form_is_shown_again_as_typed_with_422_and_remembered_for_the_summary() -> None:
    from django.core.exceptions import ValidationError
    from django.http import HttpResponse

    from medtek.core.forms import handle_form, refused_forms

    def refuse(data: dict[str, object]) -> None:
        raise ValidationError({"note": "Skriv vad som gjordes."})

    request = _post({})
    form = Entry(data={"hours": "3", "note": "x"})
    response = handle_form(
        request,  # type: ignore[arg-type]
        form,
        refuse,
        done=lambda result: HttpResponse(status=302),
        again=lambda sent: HttpResponse(sent["note"].value()),
    )
    assert (response.status_code, response.content) == (422, b"x")
    assert form.errors == {"note": ["Skriv vad som gjordes."]}
    assert refused_forms(request) == [form]  # type: ignore[arg-type]


def test_the_summary_lists_each_error_with_a_link_to_its_field_in_page_order() -> None:
    from medtek.core.forms import error_entries

    form = Entry(data={"hours": "tre"})
    form.is_valid()
    form.add_error(None, "Arbetsordern är stängd.")
    assert error_entries(form) == [
        {"message": "Arbetsordern är stängd.", "target": "form-errors"},
        {"message": "Timmar: Fyll i ett tal.", "target": "id_hours"},
    ]


def test_a_field_error_is_named_by_its_input_and_the_summary_by_the_page() -> None:
    from django.template import Context, Template
    from django.utils import translation

    form = Entry(data={"hours": ""})
    form.is_valid()
    with translation.override("en"):
        html = str(form["hours"]) + str(form["hours"].errors)
        summary = Template("{% load form_errors %}{% error_summary %}").render(Context({"form": form}))
    assert 'aria-invalid="true" aria-describedby="id_hours_error"' in html
    assert '<ul class="errorlist" id="id_hours_error"><li>This field is required.</li></ul>' in html
    assert 'role="alert"' in summary and '<a href="#id_hours">Timmar: This field is required.</a>' in summary


def test_a_refusal_of_the_whole_form_shows_at_the_top_of_the_form_and_the_summary_links_to_it() -> None:
    from django.template import Context, Template

    form = Entry(data={"hours": "2"})
    form.is_valid()
    form.add_error(None, "Arbetsordern är stängd.")
    html = Template('<form>{% include "forms/_fields.html" %}</form>').render(Context({"form": form}))
    summary = Template("{% load form_errors %}{% error_summary %}").render(Context({"form": form}))
    box = '<ul class="errorlist nonfield" id="form-errors" tabindex="-1"><li>Arbetsordern är stängd.'
    assert html.index(box) < html.index('id="id_hours"')
    assert '<a href="#form-errors">Arbetsordern är stängd.</a>' in summary


def test_a_form_of_many_on_a_page_names_its_own_error_box() -> None:
    from django.template import Context, Template

    form = Entry(data={"hours": "2"}, prefix="time")
    form.is_valid()
    form.add_error(None, "Stängd.")
    html = Template("{% load form_errors %}{% form_errors form %}").render(Context({"form": form}))
    assert 'id="time-form-errors"' in html
    assert Template("{% load form_errors %}{% form_errors form %}").render(Context({"form": Entry()})) == "\n"
