from django.urls import path

from medtek.agreements import views

app_name = "agreements"
urlpatterns = [
    path("", views.agreement_list, name="agreement_list"),
    path("new/", views.agreement_new, name="agreement_new"),
    path("<int:agreement_id>/", views.agreement_detail, name="agreement_detail"),
    path("<int:agreement_id>/edit/", views.agreement_edit, name="agreement_edit"),
    path("<int:agreement_id>/terminate/", views.agreement_terminate, name="agreement_terminate"),
    path("<int:agreement_id>/contacts/", views.agreement_contact_add, name="agreement_contact_add"),
    path("<int:agreement_id>/notices/", views.change_notice_record, name="change_notice_record"),
    path(
        "<int:agreement_id>/notices/<int:notice_id>/acknowledge/",
        views.change_notice_acknowledge,
        name="change_notice_acknowledge",
    ),
    path("<int:agreement_id>/advice-limit/", views.agreement_advice_limit, name="agreement_advice_limit"),
    path("<int:agreement_id>/monitoring/", views.monitoring_set, name="monitoring_set"),
    path("<int:agreement_id>/evaluations/", views.evaluation_start, name="evaluation_start"),
    path("evaluations/<int:evaluation_id>/", views.evaluation_detail, name="evaluation_detail"),
    path(
        "evaluations/<int:evaluation_id>/actions/", views.evaluation_action_add, name="evaluation_action_add"
    ),
    path(
        "evaluations/<int:evaluation_id>/actions/<int:action_id>/done/",
        views.evaluation_action_done,
        name="evaluation_action_done",
    ),
    path("evaluations/<int:evaluation_id>/report/", views.evaluation_report, name="evaluation_report"),
    path("rates/", views.rate_schedule_list, name="rate_schedule_list"),
    path("rates/<int:rate_schedule_id>/", views.rate_schedule_detail, name="rate_schedule_detail"),
    path("rates/<int:rate_schedule_id>/index/", views.index_figure_enter, name="index_figure_enter"),
    path(
        "rates/<int:rate_schedule_id>/rounding/", views.rate_schedule_rounding, name="rate_schedule_rounding"
    ),
]
