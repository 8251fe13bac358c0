from django.urls import path

from medtek.organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("new/", views.organisation_new, name="organisation_new"),
    path("<int:org_id>/", views.organisation_detail, name="organisation_detail"),
    path("<int:org_id>/edit/", views.organisation_edit, name="organisation_edit"),
]
