from django.urls import path

from medtek.reports import views

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/evaluations/<int:evaluation_id>/pdf/", views.evaluation_pdf, name="evaluation_pdf"),
]
