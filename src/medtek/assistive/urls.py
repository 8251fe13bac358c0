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
    path("loans/<int:loan_id>/decision/", views.loan_decision, name="loan_decision"),
    path("access-log/", views.access_log, name="access_log"),
    path("articles/new/", views.article_new, name="article_new"),
    path("articles/<int:article_id>/", views.article_detail, name="article_detail"),
    path("articles/<int:article_id>/edit/", views.article_edit, name="article_edit"),
    path("articles/<int:article_id>/items/new/", views.item_new, name="item_new"),
    path("billing/", views.billing, name="billing"),
]
