"""API: organisations and their locations (sites)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from medtek.core.api import ErrorOut, InputSchema, PageQuery, page_body, page_schema
from medtek.core.pagination import keyset_page
from medtek.organizations import services
from medtek.organizations.models import Location, Organisation

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    org_number: str
    municipality_code: str
    short_code: str
    parent_id: int | None
    counts_as_id: int | None


class OrganisationIn(InputSchema):
    name: str
    kind: str
    short_code: str
    org_number: str = ""
    municipality_code: str = ""
    city: str = ""
    email: str = ""


class LocationOut(Schema):
    id: int
    organisation_id: int
    parent_id: int | None
    kind: str
    name: str
    code: str


class LocationIn(InputSchema):
    organisation_id: int
    name: str
    code: str
    kind: str = "care_unit"
    parent_id: int | None = None
    address: str = ""


class OrgFilter(PageQuery):
    kind: str = ""
    q: str = ""


OrganisationPage = page_schema(OrganisationOut, "OrganisationPage")
LocationPage = page_schema(LocationOut, "LocationPage")


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


class LocationFilter(PageQuery):
    organisation: int | None = None


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
