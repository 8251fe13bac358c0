from django.urls import path

from medtek.inventory import views

app_name = "inventory"
urlpatterns = [
    path("", views.device_list, name="device_list"),
    path("new/", views.device_create, name="device_create"),
    path("import/", views.device_import, name="device_import"),
    path("import/template.xlsx", views.device_import_template, name="device_import_template"),
    path("locations/", views.location_options, name="location_options"),
    path("export/", views.device_export, name="device_export"),
    path("find/", views.device_find, name="device_find"),
    path("bulk/", views.device_bulk, name="device_bulk"),
    path("filters/", views.saved_filter_save, name="saved_filter_save"),
    path("filters/<int:filter_id>/delete/", views.saved_filter_delete, name="saved_filter_delete"),
    path("<int:device_id>/", views.device_detail, name="device_detail"),
    path("<int:device_id>/edit/", views.device_edit, name="device_edit"),
    path("<int:device_id>/status/", views.device_status, name="device_status"),
    path("<int:device_id>/move/", views.device_move, name="device_move"),
    path("<int:device_id>/owner/", views.device_owner, name="device_owner"),
    path("<int:device_id>/owner/locations/", views.device_owner_locations, name="device_owner_locations"),
]
