from django.urls import path

from medtek.reports import views

urlpatterns = [
    path("", views.home, name="home"),
    # The agreement follow-up, at the address it has always had.
    path("billing/followup/", views.followup, name="followup"),
    path("reports/agreements/<int:agreement_id>/advice/", views.advice_usage, name="advice_usage"),
    path("reports/agreements/<int:agreement_id>/forecast/", views.forecast, name="forecast"),
    path("reports/evaluations/<int:evaluation_id>/pdf/", views.evaluation_pdf, name="evaluation_pdf"),
]
