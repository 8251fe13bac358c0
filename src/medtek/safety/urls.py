from django.urls import path

from medtek.safety import views

app_name = "safety"
urlpatterns = [
    path("", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:notice_id>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:notice_id>/search/", views.notice_search, name="notice_search"),
    path("notices/<int:notice_id>/list/", views.notice_import, name="notice_import"),
    path("notices/<int:notice_id>/work-orders/", views.notice_work_orders, name="notice_work_orders"),
    path("notices/<int:notice_id>/block/", views.notice_block, name="notice_block"),
    path("notices/<int:notice_id>/acknowledge/", views.notice_acknowledge, name="notice_acknowledge"),
    path("notices/<int:notice_id>/close/", views.notice_close, name="notice_close"),
    path("notices/<int:notice_id>/report/", views.notice_report, name="notice_report"),
    path("notices/<int:notice_id>/report.pdf", views.notice_report, {"fmt": "pdf"}, name="notice_report_pdf"),
    path(
        "notices/<int:notice_id>/report.xlsx", views.notice_report, {"fmt": "xlsx"}, name="notice_report_xlsx"
    ),
    path("affected/<int:affected_id>/", views.affected_detail, name="affected_detail"),
    path("devices/<int:device_id>/", views.device_safety, name="device_safety"),
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/new/", views.incident_new, name="incident_new"),
    path("incidents/per-model/", views.incidents_per_model, name="incidents_per_model"),
    path("incidents/<int:incident_id>/", views.incident_detail, name="incident_detail"),
]
