"""The start page: each app's panels, for what the user may see."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from medtek.core.ui import PANELS


@login_required
def home(request: HttpRequest) -> HttpResponse:
    panels = []
    for panel in PANELS:
        context = panel.context(request)
        if context is not None:
            panels.append({"template": panel.template, "context": context})
    return render(request, "reports/home.html", {"panels": panels})
