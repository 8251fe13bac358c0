"""The organizations API's input and output schemas; `organizations/api.py` takes them from here."""

from __future__ import annotations

from ninja import Schema

from medtek.core.api import InputSchema, PageQuery, page_schema


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


class LocationFilter(PageQuery):
    organisation: int | None = None
