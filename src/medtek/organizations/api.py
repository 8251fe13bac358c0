"""API: organisations and their locations (sites)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from medtek.core.api import ErrorOut, page_body
from medtek.core.pagination import keyset_page
from medtek.organizations import services
from medtek.organizations.models import Location, Organisation
from medtek.organizations.schemas import (
    LocationFilter,
    LocationIn,
    LocationOut,
    LocationPage,
    OrganisationIn,
    OrganisationOut,
    OrganisationPage,
    OrgFilter,
)

router = Router(tags=["organisations"])


@router.get("/organisations", response=OrganisationPage)
def organisation_list(request: HttpRequest, filters: Query[OrgFilter]) -> Any:
    qs = Organisation.objects.visible_to(request.user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    return page_body(keyset_page(qs, order=["name"], cursor=filters.cursor, limit=filters.limit))


@router.get("/organisations/{org_id}", response={200: OrganisationOut, 404: ErrorOut})
def organisation_detail(request: HttpRequest, org_id: int) -> Any:
    return Organisation.objects.get_visible(request.user, pk=org_id)


@router.post("/organisations", response={201: OrganisationOut, 403: ErrorOut, 422: ErrorOut})
def organisation_create(request: HttpRequest, payload: OrganisationIn) -> Any:
    return 201, services.organisation_create(user=request.user, **payload.dict())


@router.get("/sites", response=LocationPage)
def location_list(request: HttpRequest, filters: Query[LocationFilter]) -> Any:
    qs = Location.objects.visible_to(request.user)
    if filters.organisation is not None:
        qs = qs.filter(organisation_id=filters.organisation)
    return page_body(keyset_page(qs, order=["code"], cursor=filters.cursor, limit=filters.limit))


@router.get("/sites/{site_id}", response={200: LocationOut, 404: ErrorOut})
def location_detail(request: HttpRequest, site_id: int) -> Any:
    return Location.objects.get_visible(request.user, pk=site_id)


@router.post("/sites", response={201: LocationOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def location_create(request: HttpRequest, payload: LocationIn) -> Any:
    org = Organisation.objects.get_visible(request.user, pk=payload.organisation_id)
    parent = Location.objects.get_visible(request.user, pk=payload.parent_id) if payload.parent_id else None
    location = services.location_create(
        user=request.user,
        organisation=org,
        name=payload.name,
        code=payload.code,
        kind=payload.kind,
        parent=parent,
        address=payload.address,
    )
    return 201, location
