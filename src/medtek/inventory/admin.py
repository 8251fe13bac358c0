from django.contrib import admin

from medtek.inventory.models import Device, DeviceModel, Manufacturer


@admin.register(Manufacturer)
class ManufacturerAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(DeviceModel)
class DeviceModelAdmin(admin.ModelAdmin):
    list_display = ["name", "manufacturer", "category", "risk_class", "pm_interval_months", "mt_competence"]
    list_filter = ["category", "risk_class", "mt_competence"]
    search_fields = ["name", "manufacturer__name", "nomenclature_code"]


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    """Read-only here: every change goes through the services so it is recorded in the history."""

    list_display = ["asset_number", "model", "owner", "status"]
    list_filter = ["status"]
    search_fields = ["asset_number", "serial_number", "udi_di"]
    list_select_related = ["model", "owner"]
    show_full_result_count = False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
