from django.urls import path

from medtek.reports import views

urlpatterns = [
    path("", views.home, name="home"),
]
