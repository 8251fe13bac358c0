"""Pages listing the organisations and sites (locations) the user may see."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from medtek.organizations.choices import OrganisationKind
from medtek.organizations.models import Location, Organisation

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
        },
    )
