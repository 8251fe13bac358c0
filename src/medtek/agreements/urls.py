from django.urls import path

from medtek.agreements import views

app_name = "agreements"
urlpatterns = [
    path("", views.agreement_list, name="agreement_list"),
    path("<int:agreement_id>/", views.agreement_detail, name="agreement_detail"),
    path("<int:agreement_id>/terminate/", views.agreement_terminate, name="agreement_terminate"),
    path("rates/", views.rate_schedule_list, name="rate_schedule_list"),
    path("rates/<int:rate_schedule_id>/", views.rate_schedule_detail, name="rate_schedule_detail"),
    path("rates/<int:rate_schedule_id>/index/", views.index_figure_enter, name="index_figure_enter"),
    path(
        "rates/<int:rate_schedule_id>/rounding/", views.rate_schedule_rounding, name="rate_schedule_rounding"
    ),
]
