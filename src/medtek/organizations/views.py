"""Pages listing the organisations and sites (locations) the user may see; MT admin registers and
edits organisations here through the services the API calls."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from medtek.core.forms import handle_form
from medtek.organizations import services
from medtek.organizations.choices import OrganisationKind
from medtek.organizations.forms import OrganisationForm
from medtek.organizations.models import Location, Organisation
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for

MAX_ORGANISATIONS = 500


@login_required
@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:100]
    kind = request.GET.get("kind") or ""
    qs = Organisation.objects.visible_to(request.user).annotate(site_count=Count("locations"))
    if q:
        qs = qs.filter(name__icontains=q)
    if kind in OrganisationKind.values:
        qs = qs.filter(kind=kind)
    organisations = list(qs.order_by("name")[: MAX_ORGANISATIONS + 1])
    return render(
        request,
        "organizations/organisation_list.html",
        {
            "organisations": organisations[:MAX_ORGANISATIONS],
            "truncated": len(organisations) > MAX_ORGANISATIONS,
            "q": q,
            "kind": kind,
            "kinds": OrganisationKind.choices,
            "can_manage": scope_for(request.user).can(Cap.CONFIG_MANAGE),
        },
    )


@login_required
@require_GET
def organisation_detail(request: HttpRequest, org_id: int) -> HttpResponse:
    organisation = Organisation.objects.select_related("parent", "counts_as").get_visible(
        request.user, pk=org_id
    )
    sites = list(
        Location.objects.visible_to(request.user)
        .filter(organisation_id=organisation.pk)
        .select_related("parent")
        .order_by("code")
    )
    return render(
        request,
        "organizations/organisation_detail.html",
        {
            "organisation": organisation,
            "sites": sites,
            "providers": list(organisation.providers.order_by("name").values_list("name", flat=True)),
            "can_manage": scope_for(request.user).can(Cap.CONFIG_MANAGE, organisation.pk),
        },
    )


def _saved(request: HttpRequest, message: str, org: Organisation) -> HttpResponse:
    messages.success(request, message % {"name": org.name})
    return redirect("organizations:organisation_detail", org_id=org.pk)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_new(request: HttpRequest) -> HttpResponse:
    """MT admin registers an organisation; its own MT department serves it."""
    scope_for(request.user).require(Cap.CONFIG_MANAGE)

    def page(form: OrganisationForm) -> HttpResponse:
        return render(request, "organizations/organisation_form.html", {"form": form, "organisation": None})

    if request.method != "POST":
        return page(OrganisationForm())
    return handle_form(
        request,
        OrganisationForm(request.POST),
        lambda data: services.organisation_create(user=request.user, **data),
        done=lambda org: _saved(request, _("%(name)s is registered."), org),
        again=page,
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, org_id: int) -> HttpResponse:
    organisation = Organisation.objects.get_visible(request.user, pk=org_id)
    scope_for(request.user).require(Cap.CONFIG_MANAGE, organisation.pk)

    def page(form: OrganisationForm) -> HttpResponse:
        return render(
            request, "organizations/organisation_form.html", {"form": form, "organisation": organisation}
        )

    if request.method != "POST":
        return page(OrganisationForm(initial=OrganisationForm.initial_of(organisation), editing=True))

    def save(data: dict[str, Any]) -> Organisation:
        return services.organisation_update(user=request.user, organisation=organisation, **data)

    return handle_form(
        request,
        OrganisationForm(request.POST, editing=True),
        save,
        done=lambda org: _saved(request, _("%(name)s is saved."), org),
        again=page,
    )
