from django.urls import path

from medtek.maintenance import views

app_name = "maintenance"
urlpatterns = [
    path("", views.work_order_list, name="work_order_list"),
    path("my/", views.my_work, name="my_work"),
    path("board/", views.board, name="board"),
    path("pm/", views.pm_due, name="pm_due"),
    path("plan/", views.plan, name="plan"),
    path("report/", views.report, name="report"),
    path("key-figures/", views.key_figures, name="key_figures"),
    path("models/", views.priority_models, name="priority_models"),
    path("models/pm/", views.priority_model_edit, {"model": "pm"}, name="pm_model_edit"),
    path("models/cm/", views.priority_model_edit, {"model": "cm"}, name="cm_model_edit"),
    path("device/<int:device_id>/", views.device_work, name="device_work"),
    path("<int:work_order_id>/", views.work_order_detail, name="work_order_detail"),
    path("<int:work_order_id>/action/", views.work_order_action, name="work_order_action"),
    path("<int:work_order_id>/time/", views.work_order_entry, {"entry": "time"}, name="time_entry_add"),
    path("<int:work_order_id>/travel/", views.work_order_entry, {"entry": "travel"}, name="travel_entry_add"),
    path(
        "<int:work_order_id>/material/",
        views.work_order_entry,
        {"entry": "material"},
        name="material_line_add",
    ),
    path("protocol/<int:protocol_record_id>/", views.protocol_results, name="protocol_results"),
]
