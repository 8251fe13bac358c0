from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from medtek.config.api import api
from medtek.core.db import views as db_views

urlpatterns = [
    path("", include("medtek.reports.urls")),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("devices/", include("medtek.inventory.urls")),
    path("organisations/", include("medtek.organizations.urls")),
    path("maintenance/", include("medtek.maintenance.urls")),
    path("agreements/", include("medtek.agreements.urls")),
    path("billing/", include("medtek.billing.urls")),
    path("decommissioning/", include("medtek.decommissioning.urls")),
    path("assistive/", include("medtek.assistive.urls")),
    path("healthz", db_views.healthz, name="healthz"),
    path("readyz", db_views.readyz, name="readyz"),
    path("metrics", db_views.metrics, name="metrics"),
    path("safety/", include("medtek.safety.urls")),
    path("notifications/", include("medtek.notifications.urls")),
]
