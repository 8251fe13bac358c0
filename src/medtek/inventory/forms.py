"""Forms of the register's pages; they only read input, the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medtek.core import forms as core_forms
from medtek.core.forms import LongModelChoiceField
from medtek.core.uploads import check_upload_size
from medtek.inventory import rules
from medtek.inventory.choices import DeviceStatus
from medtek.inventory.filters import SORTS
from medtek.inventory.models import Device, DeviceModel
from medtek.organizations.choices import OrganisationKind
from medtek.organizations.models import Location, Organisation
from medtek.organizations.rules import Cap

DESCRIPTIVE_FIELDS = [
    "serial_number",
    "udi_di",
    "lot",
    "expiry_date",
    "acquisition_date",
    "acquisition_value",
    "warranty_end",
    "maintenance_responsibility",
    "external_maintainer",
    "external_agreement_ref",
    "stores_patient_data",
    "has_radiation_source",
    "is_sterile",
    "notes",
]
# Fields a scanned barcode fills when the user leaves them empty.
BARCODE_FIELDS = ("serial_number", "udi_di", "udi_pi", "lot", "expiry_date")

SORT_LABELS = {
    "asset_number": _("Asset number, ascending"),
    "-asset_number": _("Asset number, descending"),
    "status": _("Status"),
    "-status": _("Status, descending"),
    "serial_number": _("Serial number, ascending"),
    "-serial_number": _("Serial number, descending"),
    "created": _("Registered, oldest first"),
    "-created": _("Registered, newest first"),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's refusal on a device form: core's mapper, naming a field the form lacks by its label."""
    core_forms.add_service_errors(form, exc, label=field_label)


def field_label(field: str) -> str:
    """A device field's label as users see it ("Serial number"), or the name itself."""
    try:
        return str(getattr(Device._meta.get_field(field), "verbose_name", field)).capitalize()
    except FieldDoesNotExist:
        return field


def _owner_choices(user: Any, capability: str) -> Any:
    return Organisation.objects.visible_to(user, capability).only("id", "name").order_by("name")


def _location_choices(user: Any, capability: str, owner_id: int | None = None) -> Any:
    qs = Location.objects.visible_to(user, capability).select_related("organisation")
    if owner_id is not None:
        qs = qs.filter(organisation_id=owner_id)
    return qs.order_by("organisation__name", "name")


class OrganisationChoiceField(LongModelChoiceField):
    label_fields = ("name",)


class LocationChoiceField(LongModelChoiceField):
    label_fields = ("organisation__name", "name")

    def label_from_values(self, organisation: str, name: str) -> str:
        return f"{organisation} – {name}"


class DeviceModelChoiceField(LongModelChoiceField):
    label_fields = ("manufacturer__name", "name", "category")

    def label_from_values(self, manufacturer: str, name: str, category: str) -> str:
        return f"{manufacturer} {name} ({category})" if category else f"{manufacturer} {name}"


def _device_models() -> Any:
    # Device models are reference data every user may read (like the API's /device-models).
    return DeviceModel.objects.select_related("manufacturer").order_by("manufacturer__name", "name")


def _external_maintainers() -> Any:
    # Service companies and manufacturers are shared reference data, not a tenant's register.
    return Organisation.objects.filter(
        kind__in=[OrganisationKind.SUPPLIER, OrganisationKind.MANUFACTURER], active=True
    ).order_by("name")


class DeviceFilterForm(forms.Form):
    """The list's search box and filters; DeviceFilter (shared with the API) does the filtering."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    owner = OrganisationChoiceField(queryset=Organisation.objects.none(), label=_("Owner"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    model = DeviceModelChoiceField(queryset=DeviceModel.objects.none(), label=_("Model"), required=False)
    location = LocationChoiceField(queryset=Location.objects.none(), label=_("Placement"), required=False)
    category = forms.ChoiceField(label=_("Device type"), required=False)
    fu_due = forms.ChoiceField(
        label=_("FU due"),
        required=False,
        choices=[
            ("", _("Any time")),
            ("overdue", _("Overdue")),
            ("30", _("Within 30 days")),
            ("90", _("Within 90 days")),
        ],
    )
    sort = forms.ChoiceField(label=_("Sort"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {
                "placeholder": _("Asset no., serial no., model, type, manufacturer or placement"),
                "type": "search",
                "autocomplete": "off",
            }
        )
        category_field: Any = self.fields["category"]
        categories = (
            DeviceModel.objects.exclude(category="").order_by("category").values_list("category", flat=True)
        )
        category_field.choices = [("", _("All device types")), *((c, c) for c in categories.distinct())]
        owner_field: Any = self.fields["owner"]
        owner_field.queryset = _owner_choices(user, Cap.VIEW)
        owner_field.empty_label = _("All owners")
        model_field: Any = self.fields["model"]
        model_field.queryset = _device_models()
        model_field.empty_label = _("All models")
        status_field: Any = self.fields["status"]
        status_field.choices = [("", _("All statuses")), *DeviceStatus.choices]
        sort_field: Any = self.fields["sort"]
        sort_field.choices = [(key, SORT_LABELS[key]) for key in SORTS]
        # Placements are only offered for one owner: a whole region's rooms would not fit a list.
        owner_id = self.data.get("owner") if self.is_bound else None
        location_field: Any = self.fields["location"]
        location_field.empty_label = _("All placements")
        if owner_id and str(owner_id).isdigit():
            location_field.queryset = _location_choices(user, Cap.VIEW, int(owner_id))


class DeviceForm(forms.Form):
    """Register or edit a device; a scanned barcode fills UDI-DI, serial number, lot and expiry."""

    asset_number = forms.CharField(label=_("Asset number"), max_length=40)
    barcode = forms.CharField(
        label=_("Scan barcode"),
        required=False,
        max_length=200,
        help_text=_("Scan the GS1/UDI barcode: fills UDI-DI, serial number, lot and expiry date."),
    )
    model = DeviceModelChoiceField(queryset=DeviceModel.objects.none(), label=_("Model"))
    owner = OrganisationChoiceField(queryset=Organisation.objects.none(), label=_("Owner"))
    location = LocationChoiceField(queryset=Location.objects.none(), label=_("Placement"), required=False)

    def __init__(self, *args: Any, user: Any, device: Device | None = None, **kwargs: Any) -> None:
        self.device = device
        if device is not None:
            kwargs.setdefault("initial", _initial(device))
        super().__init__(*args, **kwargs)
        for name, field in forms.fields_for_model(Device, fields=DESCRIPTIVE_FIELDS).items():
            if name == "external_maintainer":
                field.queryset = _external_maintainers()  # type: ignore[attr-defined]
            if isinstance(field, forms.DateField):
                field.widget = DateInput()
            self.fields[name] = field
        self.fields["barcode"].widget.attrs.update({"autocomplete": "off", "inputmode": "text"})
        model_field: Any = self.fields["model"]
        model_field.queryset = _device_models()
        # A device is registered once acquired: the date picker stops at today (the service decides).
        self.fields["acquisition_date"].widget.attrs["max"] = timezone.localdate().isoformat()
        if device is None:
            owner_field: Any = self.fields["owner"]
            owner_field.queryset = _owner_choices(user, Cap.REGISTER_EDIT)
            # The placements follow the owner chosen: the page fetches the owner's own when it changes;
            # without script every reachable placement is listed and the service refuses another's.
            owner_field.widget.attrs.update(
                {
                    "hx-get": reverse("inventory:location_options"),
                    "hx-target": "#id_location",
                    "hx-trigger": "change",
                }
            )
            chosen = str(self.data.get("owner") or "") if self.is_bound else ""
            location_field: Any = self.fields["location"]
            location_field.queryset = _location_choices(
                user, Cap.REGISTER_EDIT, int(chosen) if chosen.isdigit() else None
            )
            location_field.empty_label = _("No placement")
        else:
            # Owner and placement have their own forms (and events) on the device page.
            for name in ("asset_number", "owner", "location"):
                del self.fields[name]

    def service_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for device_create / device_update from the cleaned data."""
        data = dict(self.cleaned_data)
        barcode = data.pop("barcode", "") or ""
        if self.device is not None:
            changes = {name: data[name] for name in self.changed_data if name in data}
            if barcode:
                changes["barcode"] = barcode
            return changes
        if barcode:
            for name in BARCODE_FIELDS:
                if data.get(name) in ("", None):
                    data.pop(name, None)
            data["barcode"] = barcode
        return data


def _initial(device: Device) -> dict[str, Any]:
    return {name: getattr(device, name) for name in ["model", *DESCRIPTIVE_FIELDS]}


def effective_date_field(form_id: str) -> forms.DateField:
    """The day a change of owner, placement or status happened (empty: today); one per form on the page."""
    return forms.DateField(
        label=_("Date of the change"),
        required=False,
        widget=DateInput(attrs={"id": f"{form_id}-effective-date"}),
        help_text=_("Empty: today. A past day (not before the device's last event) counts from that day."),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=DeviceStatus.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)
    effective_date = effective_date_field("status")

    def __init__(self, *args: Any, device: Device, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The select offers only the statuses the status change accepts from this one (the same rule
        # decides both); any other sent reaches the service, which says why it is refused.
        allowed = rules.allowed_next(device.status, is_assistive=device.model.is_assistive)
        status_field: Any = self.fields["status"]
        status_field.widget.choices = [c for c in DeviceStatus.choices if c[0] in allowed]
        if not allowed:
            status_field.help_text = _("The device has left the register; its status no longer changes.")


class MoveForm(forms.Form):
    location = LocationChoiceField(queryset=Location.objects.none(), label=_("New placement"), required=False)
    effective_date = effective_date_field("move")

    def __init__(self, *args: Any, user: Any, device: Device, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["location"]
        field.queryset = _location_choices(user, Cap.REGISTER_EDIT, device.owner_id)
        field.empty_label = _("No placement")


class OwnerForm(forms.Form):
    owner = OrganisationChoiceField(queryset=Organisation.objects.none(), label=_("New owner"))
    location = LocationChoiceField(
        queryset=Location.objects.none(), label=_("Placement at the new owner"), required=False
    )
    effective_date = effective_date_field("owner")

    def __init__(self, *args: Any, user: Any, device: Device, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "owner-%s")  # the move form on the same page has its own location
        super().__init__(*args, **kwargs)
        owner_field: Any = self.fields["owner"]
        owner_field.queryset = _owner_choices(user, Cap.REGISTER_EDIT).exclude(pk=device.owner_id)
        # The placement is one of the chosen owner's locations: offered once an owner is chosen (the page
        # fetches them), never every location of every organisation the user reaches.
        owner_field.widget.attrs.update(
            {
                "hx-get": reverse("inventory:device_owner_locations", kwargs={"device_id": device.pk}),
                "hx-target": "#owner-location",
                "hx-trigger": "change",
            }
        )
        chosen = str(self.data.get("owner") or "") if self.is_bound else ""
        location_field: Any = self.fields["location"]
        location_field.queryset = (
            _location_choices(user, Cap.REGISTER_EDIT, int(chosen)).exclude(organisation_id=device.owner_id)
            if chosen.isdigit()
            else Location.objects.none()
        )
        location_field.empty_label = _("No placement")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"), help_text=_("One device per row; the first row names the columns.")
    )
    dry_run = forms.BooleanField(label=_("Dry run: check the file without saving anything"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise ValidationError(_("Upload a .csv or .xlsx file."))
        check_upload_size(upload)
        return upload


class FindForm(forms.Form):
    code = forms.CharField(label=_("Scan or type an asset number, serial number or UDI"), max_length=200)


BULK_ACTIONS = {
    "move": _("Move"),
    "status": _("Change status"),
    "fu_interval": _("Set FU interval"),
    "export": _("Export"),
}


class BulkForm(forms.Form):
    """What a bulk action needs besides the selection: the placement, or the status and a reason."""

    location = LocationChoiceField(queryset=Location.objects.none(), label=_("New placement"), required=False)
    status = forms.ChoiceField(label=_("New status"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)
    months = forms.IntegerField(
        label=_("FU interval (months)"),
        required=False,
        min_value=1,
        max_value=120,
        help_text=_("Empty: the model's interval again."),
    )

    def __init__(self, *args: Any, user: Any, action: str, owner_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action = action
        if action != "fu_interval":
            del self.fields["months"]
        if action != "move":
            del self.fields["location"]
        else:
            field: Any = self.fields["location"]
            field.empty_label = _("No placement")
            # Devices move within their owner: the placements offered are the filtered owner's.
            field.queryset = (
                _location_choices(user, Cap.REGISTER_EDIT, owner_id)
                if owner_id is not None
                else Location.objects.none()
            )
        if action != "status":
            del self.fields["status"]
            del self.fields["reason"]
        else:
            status_field: Any = self.fields["status"]
            status_field.required = True
            status_field.choices = [("", "—"), *DeviceStatus.choices]


class SavedFilterForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)
