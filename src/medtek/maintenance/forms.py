"""Forms of the maintenance pages: they read and check the input as the API's schemas do; the services
decide. A refused value comes back at its field, with what was typed kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medtek.inventory.forms import DateInput
from medtek.maintenance import key_figures, rules
from medtek.maintenance.choices import ItemKind, MaterialKind, TimeBasis, WaitingReason, WorkOrderKind
from medtek.maintenance.models import CMPriority, ProtocolRecord

NOT_FINITE = _("Give a finite number, not NaN or infinity.")
MAX_HORIZON_DAYS = 732


class NumberField(forms.DecimalField):
    """A decimal as people type it ("2,5" or "1 200,50"); NaN and infinity are refused by name."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("localize", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.replace(" ", "").replace("\u00a0", "").replace(",", ".")
        return super().to_python(value)  # type: ignore[no-any-return]

    def validate(self, value: Any) -> None:
        if isinstance(value, Decimal) and not value.is_finite():
            raise ValidationError(NOT_FINITE, code="not_finite")
        super().validate(value)


class BillableInput(forms.CheckboxInput):
    """A checkbox after a hidden "off": ticked when any of the values sent is "on"."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> bool:
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return any(str(v).lower() in {"on", "true", "1"} for v in values if v is not None)


def _date_field(label: Any = None, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label or _("Date"), widget=DateInput(), **kwargs)


class _EntryForm(forms.Form):
    date = _date_field(initial=timezone.localdate, required=False, help_text=_("Empty: today"))
    billable = forms.BooleanField(label=_("Billable"), required=False, initial=True, widget=BillableInput)
    # The ids the page (and the technicians' bookmarks of its fields) know them by.
    ids: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, html_id in self.ids.items():
            self.fields[name].widget.attrs["id"] = html_id

    def clean_date(self) -> dt.date:
        return self.cleaned_data.get("date") or timezone.localdate()


class TimeEntryForm(_EntryForm):
    hours = NumberField(label=_("Hours"))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    field_order = ["date", "hours", "billable", "note"]
    ids = {"date": "t-date", "hours": "t-hours", "note": "t-note", "billable": "t-billable"}


class TravelEntryForm(_EntryForm):
    cost = NumberField(label=_("Cost (SEK)"))
    description = forms.CharField(label=_("Description"), required=False, max_length=300)
    field_order = ["date", "cost", "description", "billable"]
    ids = {"date": "v-date", "cost": "v-cost", "description": "v-desc", "billable": "v-billable"}


class MaterialLineForm(_EntryForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=MaterialKind.choices)
    article_number = forms.CharField(label=_("Article number"), required=False, max_length=60)
    description = forms.CharField(label=_("Description"), max_length=300)
    quantity = NumberField(label=_("Quantity"), initial=1)
    unit_price = NumberField(label=_("Unit price (SEK)"))
    field_order = ["date", "kind", "article_number", "description", "quantity", "unit_price", "billable"]
    ids = {
        "date": "m-date",
        "kind": "m-kind",
        "article_number": "m-art",
        "description": "m-desc",
        "quantity": "m-qty",
        "unit_price": "m-price",
        "billable": "m-billable",
    }


ENTRY_FORMS: dict[str, type[_EntryForm]] = {
    "time": TimeEntryForm,
    "travel": TravelEntryForm,
    "material": MaterialLineForm,
}


class ReportForm(forms.Form):
    """A fault, advice, a quality control or another assignment, on a device or for an organisation."""

    device = forms.IntegerField(required=False, widget=forms.HiddenInput)
    customer = forms.TypedChoiceField(
        label=_("Organisation (for advice without a device)"), coerce=int, required=False, empty_value=None
    )
    kind = forms.ChoiceField(
        label=_("What do you need?"),
        choices=[(k, label) for k, label in WorkOrderKind.choices if k != WorkOrderKind.PM],
        initial=WorkOrderKind.CM,
    )
    title = forms.CharField(label=_("Short description"), max_length=200)
    description = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, customers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        customer: Any = self.fields["customer"]
        customer.choices = [(c.pk, c.name) for c in customers]


class PlanForm(forms.Form):
    horizon_days = forms.IntegerField(
        label=_("Horizon (days)"), min_value=0, max_value=MAX_HORIZON_DAYS, initial=30
    )


class TriageForm(forms.Form):
    priority = forms.ModelChoiceField(
        label=_("Priority"), queryset=CMPriority.objects.all(), to_field_name="code"
    )
    assigned_to = forms.IntegerField(label=_("Assign to"), required=False)


class StatusForm(forms.Form):
    """One move of the work order (start, wait, resume, mark done, close, cancel)."""

    ACTIONS = ("accept", "start", "wait", "resume", "complete", "close", "cancel")

    # Sent by the button's form, not typed: a refusal of it is one of the whole form.
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], widget=forms.HiddenInput)
    waiting_reason = forms.ChoiceField(
        label=_("Waiting for"), choices=[("", "—"), *WaitingReason.choices], required=False
    )
    resolution = forms.CharField(label=_("What was done"), required=False)


class OverrideForm(forms.Form):
    """An MT admin's release of a device a failed check blocked, without a passed check."""

    reason = forms.CharField(
        label=_("Reason for putting the device back in use without a passed check"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={
            "required": _("Give the reason for putting the device back in use without a passed check.")
        },
    )


class KeyFiguresForm(forms.Form):
    """The key-figures period: this year to date by default, the last 12 whole months, or chosen dates."""

    PERIODS = (("year", _("This year to date")), ("12m", _("Last 12 whole months")))

    customer = forms.IntegerField(label=_("Customer"), required=False, min_value=1)
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)
    start = _date_field(_("From"), required=False)
    end = _date_field(_("To"), required=False)

    def period_of(self, today: dt.date) -> tuple[dt.date, dt.date]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("start") or data.get("end"):
            year_start, _today = key_figures.default_period(today)
            return data.get("start") or year_start, data.get("end") or today
        if data.get("period") == "12m":
            return key_figures.last_twelve_months(today)
        return key_figures.default_period(today)


class ProtocolForm(forms.Form):
    """The answers to one check protocol: a check is OK / not OK, a measured value a number in its unit."""

    def __init__(self, *args: Any, record: ProtocolRecord, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.errors_id = f"protocol-{record.pk}-errors"  # the page shows one form per protocol
        self.items = list(record.template.items.all())
        for item in self.items:
            name = rules.item_field(item.pk)
            if item.kind == ItemKind.CHECK:
                self.fields[name] = forms.ChoiceField(
                    label=item.label,
                    choices=[("", "—"), ("yes", _("OK")), ("no", _("Not OK"))],
                    required=False,
                )
            else:
                self.fields[name] = NumberField(label=item.label, required=False)
                self.fields[f"unit-{item.pk}"] = forms.CharField(required=False, widget=forms.HiddenInput)
            # The page's inputs carry the item's name as their id; the error summary links to it.
            self.fields[name].widget.attrs["id"] = name

    def answers(self) -> dict[int, dict[str, Any]]:
        """The answered items, as the service takes them."""
        out: dict[int, dict[str, Any]] = {}
        for item in self.items:
            value = self.cleaned_data.get(rules.item_field(item.pk))
            if item.kind == ItemKind.CHECK:
                if value in {"yes", "no"}:
                    out[item.pk] = {"checked": value == "yes"}
            elif value is not None:
                unit = self.cleaned_data.get(f"unit-{item.pk}") or item.unit
                out[item.pk] = {"value": value, "unit": unit}
        return out


# --- priority models -------------------------------------------------------------------------

BLANK_ROWS = 1
MAX_ROWS = 30
FILL_ROW = _("Fill this in, or empty the whole row to remove it.")


class _ModelRowsForm(forms.Form):
    """A priority model edited as a table: one row per class (level), and a blank row to add one; a row
    left empty is removed. The service judges the model as a whole (bands, order, targets)."""

    row_label: Any = ""
    service_list = ""  # the service's name of the list of rows ("classes", "levels")
    errors_id = "model-errors"  # the box at the top of the form with the refusals of the whole model
    # (name, column label, the field of that column)
    columns: tuple[tuple[str, Any, Callable[[], forms.Field]], ...] = ()
    required_in_row: tuple[str, ...] = ()

    def __init__(self, data: Any = None, *, rows: list[dict[str, Any]], **kwargs: Any) -> None:
        count = len(rows) + BLANK_ROWS if data is None else _row_count(data, len(rows) + BLANK_ROWS)
        initial = {f"{i}-{name}": value for i, row in enumerate(rows) for name, value in row.items()}
        initial["rows"] = count
        super().__init__(data, initial=initial, **kwargs)
        self.fields["rows"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ROWS)
        self.row_count = count
        self.entry_rows: list[int] = []  # the rows filled in, in the order of the service's list
        for i in range(count):
            for name, column, make in self.columns:
                field = make()
                field.required = False
                field.label = f"{self.row_label} {i + 1}: {str(column).lower()}"
                field.widget.attrs["aria-label"] = field.label
                self.fields[f"{i}-{name}"] = field

    @property
    def headers(self) -> list[Any]:
        return [column for _name, column, _make in self.columns]

    def service_fields(self) -> Mapping[str, str]:
        """The form's field for each of the service's (`classes.<n>.<column>`: the n-th row filled in)."""
        return _RowFields(self)

    def table_rows(self) -> list[list[forms.BoundField]]:
        return [[self[f"{i}-{name}"] for name, _c, _m in self.columns] for i in range(self.row_count)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        entries: list[dict[str, Any]] = []
        self.entry_rows = []
        for i in range(self.row_count):
            raw = {name: self.data.get(f"{i}-{name}", "") for name, _c, _m in self.columns}
            if all(str(v).strip() == "" for v in raw.values()):
                continue
            values = {name: cleaned.get(f"{i}-{name}") for name, _c, _m in self.columns}
            for name in self.required_in_row:
                if values[name] in (None, "") and f"{i}-{name}" not in self.errors:
                    self.add_error(f"{i}-{name}", FILL_ROW)
            entries.append(values)
            self.entry_rows.append(i)
        cleaned["entries"] = entries
        return cleaned


class _RowFields(Mapping[str, str]):
    """`classes.1.min_score` → `3-min_score` when the second class sent is the table's fourth row; read
    once the form is cleaned (a service refuses only a cleaned form)."""

    def __init__(self, form: _ModelRowsForm) -> None:
        self.form = form

    def _pairs(self) -> dict[str, str]:
        return {
            f"{self.form.service_list}.{n}.{name}": f"{row}-{name}"
            for n, row in enumerate(self.form.entry_rows)
            for name, _c, _m in self.form.columns
        }

    def __getitem__(self, key: str) -> str:
        return self._pairs()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._pairs())

    def __len__(self) -> int:
        return len(self._pairs())


def _plain(value: Decimal) -> str:
    """A decimal as typed: 24, 0.5 (not 24.00 nor 2.4E+1)."""
    return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"


def _row_count(data: Any, default: int) -> int:
    try:
        return max(1, min(MAX_ROWS, int(data.get("rows", default))))
    except (TypeError, ValueError):
        return default


def _code() -> forms.Field:
    return forms.CharField(max_length=10)


def _name() -> forms.Field:
    return forms.CharField(max_length=100)


def _order() -> forms.Field:
    return forms.IntegerField(min_value=1, max_value=MAX_ROWS)


def _em() -> forms.Field:
    return forms.IntegerField(min_value=0, max_value=99)


def _months() -> forms.Field:
    return forms.IntegerField(min_value=1, max_value=240)


def _hours() -> forms.Field:
    return NumberField(min_value=Decimal("0.01"), max_digits=7, decimal_places=2)


def _basis() -> forms.Field:
    return forms.ChoiceField(choices=[("", "—"), *TimeBasis.choices])


class PMModelForm(_ModelRowsForm):
    """The PM prioritisation model: classes by EM-number band, each with its PM interval."""

    row_label = _("Class")
    service_list = "classes"
    columns = (
        ("code", _("Class"), _code),
        ("name", _("Name"), _name),
        ("rank", _("Planning order"), _order),
        ("min_score", _("Lowest EM number"), _em),
        ("max_score", _("Highest EM number"), _em),
        ("interval_months", _("PM interval (months)"), _months),
    )
    required_in_row = ("code", "rank", "min_score", "max_score")

    @staticmethod
    def rows_of(classes: list[Any]) -> list[dict[str, Any]]:
        return [
            {
                "code": c.code,
                "name": c.name,
                "rank": c.rank,
                "min_score": c.min_score,
                "max_score": c.max_score,
                "interval_months": c.interval_months,
            }
            for c in classes
        ]


class CMModelForm(_ModelRowsForm):
    """The CM priority model: levels P1…Pn with response and resolution targets."""

    row_label = _("Priority")
    service_list = "levels"
    columns = (
        ("code", _("Priority"), _code),
        ("name", _("Name"), _name),
        ("rank", _("Order"), _order),
        ("response_hours", _("Response (h)"), _hours),
        ("resolution_hours", _("Resolution (h)"), _hours),
        ("time_basis", _("Counted in"), _basis),
    )
    required_in_row = ("code", "rank", "response_hours", "resolution_hours", "time_basis")

    @staticmethod
    def rows_of(levels: list[Any]) -> list[dict[str, Any]]:
        return [
            {
                "code": p.code,
                "name": p.name,
                "rank": p.rank,
                "response_hours": _plain(p.response_hours),
                "resolution_hours": _plain(p.resolution_hours),
                "time_basis": p.time_basis,
            }
            for p in levels
        ]
