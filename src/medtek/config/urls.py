from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from medtek.config.api import api
from medtek.core.db import views as db_views


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers that ask for /favicon.ico (the pages name the SVG icon) are sent to the static file."""
    return HttpResponseRedirect(static("medtek/favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon),
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
    path("", include("medtek.documents.urls")),
    path("notifications/", include("medtek.notifications.urls")),
    path("runs/", include("medtek.jobs.urls")),
]
