"""Notification pages: my list, my choices, and for MT admin the delivery failures and the outbox."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from medtek.core.errors import messages_by_field
from medtek.notifications import selectors, services
from medtek.notifications.choices import Kind, Mode
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.notification_list(user=request.user)[:200]
    can_admin = scope_for(request.user).can(Cap.CONFIG_MANAGE)
    return render(request, "notifications/list.html", {"rows": rows, "can_admin": can_admin})


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    services.notifications_mark_read(user=request.user, ids=ids)
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        modes = {k: request.POST.get(k, "") for k in Kind.values if k != Kind.DIGEST and k in request.POST}
        try:
            services.preferences_set(user=request.user, modes=modes, language=request.POST.get("language"))
        except ValidationError as exc:
            for msgs in messages_by_field(exc).values():
                for msg in msgs:
                    messages.error(request, msg)
        else:
            messages.success(request, _("Your choices are saved."))
            return redirect("notifications:preferences")
    modes, language = selectors.preferences(user=request.user)
    rows = [(kind, Kind(kind).label, mode) for kind, mode in modes.items()]
    return render(
        request,
        "notifications/preferences.html",
        {"rows": rows, "modes": Mode.choices, "language": language},
    )


@login_required
@require_GET
def failures(request: HttpRequest) -> HttpResponse:
    rows = selectors.failure_list(user=request.user)[:500]
    return render(request, "notifications/failures.html", {"rows": rows})


@login_required
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    rows = selectors.outbox_list(user=request.user)[:200]
    return render(request, "notifications/outbox.html", {"rows": rows})
