from django.urls import path

from medtek.assistive import views

app_name = "assistive"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("prescriptions/", views.my_loans, name="my_loans"),
    path("prescriptions/new/", views.prescription_new, name="prescription_new"),
    path("prescriptions/<int:prescription_id>/", views.prescription_detail, name="prescription_detail"),
    path(
        "prescriptions/<int:prescription_id>/dispense/",
        views.prescription_dispense,
        name="prescription_dispense",
    ),
    path("loans/<int:loan_id>/", views.loan_detail, name="loan_detail"),
    path("loans/<int:loan_id>/fitting/", views.loan_fitting, name="loan_fitting"),
    path("loans/<int:loan_id>/return/", views.loan_return, name="loan_return"),
    path("access-log/", views.access_log, name="access_log"),
]
