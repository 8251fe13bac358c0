"""Generated isolation tests: every API endpoint and every page with an object id, called by a user
of another tenant, answers 404 and changes nothing; no list holds another tenant's rows.

The list of endpoints comes from the OpenAPI schema and the URL configuration, so a new endpoint is
covered the day it is added; each app's `tests/isolation.py` says how to make a foreign object for
each id parameter, and a parameter without a maker fails the completeness test.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from medtek.core.models import Event

APPS = [
    "organizations",
    "inventory",
    "maintenance",
    "agreements",
    "billing",
    "decommissioning",
    "assistive",
    "reports",
    "jobs",
]
PARAM = re.compile(r"{(\w+)}")

# Every API call below also holds to a ceiling of database queries (as InvenTree's API test case does),
# so a lookup or a list that starts querying per row fails here. The ceilings are the counts measured on
# SQLite and PostgreSQL (the same) plus a margin of two. A denial costs the session, the user, the scope
# and the lookup (a write more: its transaction and the check that tells 403 from 404).
DENIAL_CEILING = 12
DENIAL_CEILINGS: dict[str, int] = {
    "PATCH /api/v1/devices/{device_id}": 13,
    "POST /api/v1/assistive/prescriptions/{prescription_id}/cancel": 14,
    "POST /api/v1/decommissioning/items/{item_id}/assessment": 15,
    "POST /api/v1/decommissioning/items/{item_id}/decision": 18,
    "POST /api/v1/decommissioning/items/{item_id}/hand-over": 15,
    "POST /api/v1/decommissioning/items/{item_id}/steps": 15,
    "POST /api/v1/decommissioning/shipments/{shipment_id}/follow-up": 15,
    "POST /api/v1/decommissioning/shipments/{shipment_id}/hand-over": 15,
    "POST /api/v1/devices/{device_id}/move": 13,
    "POST /api/v1/devices/{device_id}/owner": 13,
    "POST /api/v1/devices/{device_id}/status": 13,
    "POST /api/v1/maintenance/protocol-records/{protocol_record_id}/results": 16,
    "POST /api/v1/maintenance/watch-items/{watch_item_id}/confirm": 16,
    "POST /api/v1/maintenance/work-orders/{work_order_id}/assign": 16,
    "POST /api/v1/maintenance/work-orders/{work_order_id}/close": 16,
    "POST /api/v1/maintenance/work-orders/{work_order_id}/complete": 16,
    "POST /api/v1/maintenance/work-orders/{work_order_id}/material-lines": 16,
    "POST /api/v1/maintenance/work-orders/{work_order_id}/start": 16,
    "POST /api/v1/maintenance/work-orders/{work_order_id}/status": 16,
    "POST /api/v1/maintenance/work-orders/{work_order_id}/time-entries": 16,
    "POST /api/v1/maintenance/work-orders/{work_order_id}/travel-entries": 16,
    "POST /api/v1/maintenance/work-orders/{work_order_id}/triage": 16,
    "POST /api/v1/safety/affected/{affected_id}/decision": 15,
    "POST /api/v1/safety/incidents/{incident_id}/assessment": 15,
    "POST /api/v1/safety/notices/{notice_id}/acknowledge": 15,
    "POST /api/v1/safety/notices/{notice_id}/block": 15,
    "POST /api/v1/safety/notices/{notice_id}/close": 15,
    "POST /api/v1/safety/notices/{notice_id}/search": 15,
    "POST /api/v1/safety/notices/{notice_id}/work-orders": 15,
    "PUT /api/v1/maintenance/devices/{device_id}/pm": 16,
}
# A list is called with three rows of the user's own, more than the margin, so a query per row fails.
LIST_CEILINGS: dict[str, int] = {
    "/agreements/": 13,
    "/agreements/rate-schedules": 13,
    "/assistive/articles": 12,
    "/assistive/loans": 12,
    "/assistive/prescriptions": 12,
    "/billing/invoices": 12,
    "/decommissioning/aid-agreements": 11,
    "/decommissioning/cases": 12,
    "/decommissioning/items": 13,
    "/decommissioning/shipments": 12,
    "/devices": 12,
    "/maintenance/watch-items": 11,
    "/maintenance/work-orders": 12,
    "/organisations": 12,
    "/safety/incidents": 12,
    "/safety/notices": 15,
    "/sites": 12,
}
OWN_ROWS = 3


def _ceiling(key: str) -> int:
    return DENIAL_CEILINGS.get(key, DENIAL_CEILING)


def _registry() -> tuple[dict[str, Callable[..., int]], dict[str, dict[str, Any]]]:
    """Makers of foreign objects per id parameter, and request bodies per "METHOD /path"."""
    makers: dict[str, Callable[..., int]] = {}
    bodies: dict[str, dict[str, Any]] = {}
    for app in APPS:
        try:
            module = importlib.import_module(f"medtek.{app}.tests.isolation")
        except ModuleNotFoundError:
            continue
        makers.update(getattr(module, "FOREIGN", {}))
        bodies.update(getattr(module, "BODIES", {}))
    return makers, bodies


def _shared() -> set[str]:
    """Id parameters of reference data every user may read (e.g. device models)."""
    names: set[str] = set()
    for app in APPS:
        try:
            module = importlib.import_module(f"medtek.{app}.tests.isolation")
        except ModuleNotFoundError:
            continue
        names |= set(getattr(module, "SHARED", set()))
    return names


def api_operations() -> list[tuple[str, str]]:
    from medtek.config.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1")
    ops = []
    shared = _shared()
    for path, methods in schema["paths"].items():
        params = set(PARAM.findall(path))
        if params and not params <= shared:
            for method in methods:
                ops.append((method.upper(), path))
    return sorted(ops)


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith(("api/", "admin/")):
                continue
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def page_routes() -> list[str]:
    routes = []
    shared = _shared()
    for route, _ in _walk(get_resolver().url_patterns):
        params = set(re.findall(r"<(?:\w+:)?(\w+_id)>", route))
        if params and not params <= shared:
            routes.append(route)
    return sorted(set(routes))


@pytest.fixture
def tenants(world: Any, django_user_model: Any) -> Any:
    world.superuser = django_user_model.objects.create_superuser("root-iso", password="x")
    return world


def _fill(path: str, ids: dict[str, int], style: str) -> str:
    if style == "api":
        return PARAM.sub(lambda m: str(ids[m.group(1)]), path)
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), path)


def test_every_query_ceiling_names_a_call_the_matrix_makes() -> None:
    calls = {
        f"{method} {path if path.startswith('/api/v1') else '/api/v1' + path}"
        for method, path in api_operations()
    }
    assert sorted(set(DENIAL_CEILINGS) - calls) == []
    assert sorted(set(LIST_CEILINGS) - set(LISTS)) == []


def test_every_id_parameter_has_a_foreign_object_maker() -> None:
    makers, _ = _registry()
    names = {name for _, path in api_operations() for name in PARAM.findall(path)}
    names |= {name for route in page_routes() for name in re.findall(r"<(?:\w+:)?(\w+_id)>", route)}
    missing = sorted(names - set(makers) - _shared())
    assert not missing, f"add makers for these parameters to an app's tests/isolation.py: {missing}"


@pytest.mark.parametrize(("method", "path"), api_operations())
@pytest.mark.parametrize("who", ["other_mt_admin", "other_customer"])
def test_api_hides_another_tenants_object(
    tenants: Any, method: str, path: str, who: str, django_assert_max_num_queries: Any
) -> None:
    makers, bodies = _registry()
    user, org = (
        (tenants.admin, tenants.foreign)
        if who == "other_mt_admin"
        else (
            tenants.berg_contact,
            tenants.ostersund,
        )
    )
    ids = {name: makers[name](tenants, org) for name in PARAM.findall(path)}
    client = Client()
    client.force_login(user)
    before = Event.objects.count()
    key = f"{method} /api/v1{path}" if not path.startswith("/api/v1") else f"{method} {path}"
    body = bodies.get(key)
    with django_assert_max_num_queries(_ceiling(key)):
        response = client.generic(
            method, _fill(path, ids, "api"), data=json.dumps(body or {}), content_type="application/json"
        )
    # An object the user may not see is 404, whatever the method: never 403, which would tell it exists.
    allowed = {404} if body is not None or method == "GET" else {404, 422}
    assert response.status_code in allowed, (key, response.status_code, response.content[:300])
    assert Event.objects.count() == before


@pytest.mark.parametrize("route", page_routes())
@pytest.mark.parametrize("who", ["other_mt_admin", "other_customer"])
def test_pages_hide_another_tenants_object(tenants: Any, route: str, who: str) -> None:
    makers, _ = _registry()
    user, org = (
        (tenants.admin, tenants.foreign)
        if who == "other_mt_admin"
        else (
            tenants.berg_contact,
            tenants.ostersund,
        )
    )
    ids = {name: makers[name](tenants, org) for name in re.findall(r"<(?:\w+:)?(\w+)>", route)}
    client = Client()
    client.force_login(user)
    before = Event.objects.count()
    url = _fill(route, ids, "page")
    assert client.get(url).status_code == 404, url
    assert client.post(url, {}).status_code in {404, 405}, url
    assert Event.objects.count() == before


# Parameterless GET endpoints listing tenant rows, with the maker of the rows they list.
LISTS = {
    "/organisations": "org_id",
    "/sites": "site_id",
    "/devices": "device_id",
    "/maintenance/work-orders": "work_order_id",
    "/maintenance/watch-items": "watch_item_id",
    "/agreements/": "agreement_id",
    "/agreements/rate-schedules": "rate_schedule_id",
    "/billing/invoices": "invoice_id",
    "/decommissioning/cases": "case_id",
    "/decommissioning/items": "item_id",
    "/decommissioning/shipments": "shipment_id",
    "/decommissioning/aid-agreements": "aid_agreement_id",
    "/safety/notices": "safety_notice_id",
    "/safety/incidents": "incident_id",
    "/assistive/articles": "article_id",
    "/assistive/prescriptions": "prescription_id",
    "/assistive/loans": "loan_id",
}
# Parameterless GET endpoints that are not lists of tenant rows: reference data, aggregates over the
# user's scope, files and reports (their scoping is tested in their apps).
NOT_LISTS = {
    "/device-models",
    "/devices/export",
    "/devices/counts",
    "/maintenance/protocols",
    "/maintenance/pm-due",
    "/maintenance/priority-models",
    "/maintenance/key-figures",
    "/maintenance/key-figures/customers",
    "/agreements/deadlines",
    "/billing/runs",
    "/billing/basis",
    "/billing/followup",
    "/decommissioning/overview",
    "/decommissioning/reports/donations",
    "/decommissioning/reports/donations.pdf",
    "/decommissioning/reports/donations.xlsx",
    "/safety/incidents/per-model",
    # The centre's own work: stock per article (an aggregate) and returns waiting for reconditioning
    # and the patient access log, both HMC's (their scoping is tested in assistive/tests/test_api.py).
    "/assistive/stock",
    "/assistive/returns",
    "/assistive/access-log",
    # Per-user: each user reads only their own notifications (tested at the end of this file).
    "/notifications/",
    "/notifications/unread",
}


def _list_endpoints() -> set[str]:
    from medtek.config.api import api

    schema = api.get_openapi_schema(path_prefix="")
    return {path for path, methods in schema["paths"].items() if "{" not in path and "get" in methods}


def test_every_list_endpoint_is_tried_for_foreign_rows() -> None:
    unknown = sorted(_list_endpoints() - set(LISTS) - NOT_LISTS)
    assert not unknown, f"add these to LISTS (with the maker of their rows) or NOT_LISTS: {unknown}"


@pytest.mark.parametrize("path", sorted(LISTS))
@pytest.mark.parametrize("who", ["other_mt_admin", "other_customer"])
def test_a_list_holds_none_of_another_tenants_rows(
    tenants: Any, path: str, who: str, django_assert_max_num_queries: Any
) -> None:
    makers, _ = _registry()
    user, foreign_org = (
        (tenants.admin, tenants.foreign)
        if who == "other_mt_admin"
        else (
            tenants.berg_contact,
            tenants.ostersund,
        )
    )
    mine = [makers[LISTS[path]](tenants, tenants.berg) for _ in range(OWN_ROWS)]
    theirs = makers[LISTS[path]](tenants, foreign_org)
    client = Client()
    client.force_login(user)
    with django_assert_max_num_queries(LIST_CEILINGS[path]):
        response = client.get(f"/api/v1{path}", {"limit": 200})
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    ids = {row["id"] for row in (body["items"] if isinstance(body, dict) else body)}
    assert theirs not in ids
    assert set(mine) <= ids  # the list does list the user's own rows, so the test above means something


# --- Field safety notices and incidents (safety) ----------------------------------------------------
# Its own block: the safety app's pages and API join the generated matrix above through APPS, and a
# customer contact's acknowledgement of another customer's notice is checked on its own.
APPS.append("safety")


@pytest.mark.parametrize("via", ["api", "page"])
def test_a_customer_contact_cannot_acknowledge_another_customers_notice(
    tenants: Any, via: str, django_assert_max_num_queries: Any
) -> None:
    from medtek.safety.models import Acknowledgement
    from medtek.safety.tests.isolation import _notice

    notice = _notice(tenants, tenants.ostersund)
    client = Client()
    client.force_login(tenants.berg_contact)
    before = Event.objects.count()
    if via == "api":
        with django_assert_max_num_queries(_ceiling("POST /api/v1/safety/notices/{notice_id}/acknowledge")):
            response = client.post(
                f"/api/v1/safety/notices/{notice.pk}/acknowledge",
                data=json.dumps({"customer_id": tenants.ostersund.pk}),
                content_type="application/json",
            )
    else:
        response = client.post(
            f"/safety/notices/{notice.pk}/acknowledge/", {"customer": tenants.ostersund.pk}
        )
    assert response.status_code == 404
    assert not Acknowledgement.objects.exists()
    assert Event.objects.count() == before


# --- Agreements as a working relationship (contacts, change notices, monitoring agreements) ---------
# These endpoints and pages are covered by the generated tests above; this block pins them so that a
# renamed route cannot silently drop out of the isolation check.

AGREEMENT_RELATIONSHIP_API = [
    ("GET", "/api/v1/agreements/{agreement_id}/contacts"),
    ("POST", "/api/v1/agreements/{agreement_id}/contacts"),
    ("GET", "/api/v1/agreements/{agreement_id}/change-notices"),
    ("POST", "/api/v1/agreements/{agreement_id}/change-notices"),
    ("POST", "/api/v1/agreements/{agreement_id}/change-notices/{notice_id}/acknowledge"),
    ("GET", "/api/v1/agreements/{agreement_id}/monitoring"),
    ("PUT", "/api/v1/agreements/{agreement_id}/monitoring"),
    ("GET", "/api/v1/agreements/{agreement_id}/evaluations"),
    ("POST", "/api/v1/agreements/{agreement_id}/evaluations"),
    ("GET", "/api/v1/agreements/evaluations/{evaluation_id}"),
    ("PATCH", "/api/v1/agreements/evaluations/{evaluation_id}"),
    ("POST", "/api/v1/agreements/evaluations/{evaluation_id}/actions"),
    ("POST", "/api/v1/agreements/evaluations/{evaluation_id}/actions/{action_id}/done"),
    ("POST", "/api/v1/agreements/evaluations/{evaluation_id}/report"),
    ("POST", "/api/v1/agreements/{agreement_id}/advice-limit"),
]
AGREEMENT_RELATIONSHIP_PAGES = [
    "agreements/<int:agreement_id>/contacts/",
    "agreements/<int:agreement_id>/notices/",
    "agreements/<int:agreement_id>/notices/<int:notice_id>/acknowledge/",
    "agreements/<int:agreement_id>/monitoring/",
    "agreements/<int:agreement_id>/evaluations/",
    "agreements/evaluations/<int:evaluation_id>/",
    "agreements/evaluations/<int:evaluation_id>/actions/",
    "agreements/evaluations/<int:evaluation_id>/actions/<int:action_id>/done/",
    "agreements/evaluations/<int:evaluation_id>/report/",
    "reports/evaluations/<int:evaluation_id>/pdf/",
    "agreements/<int:agreement_id>/advice-limit/",
    "reports/agreements/<int:agreement_id>/advice/",
    "reports/agreements/<int:agreement_id>/forecast/",
]


def test_the_agreement_relationship_endpoints_and_pages_are_in_the_isolation_check() -> None:
    ops = {(m, p if p.startswith("/api/v1") else f"/api/v1{p}") for m, p in api_operations()}
    assert set(AGREEMENT_RELATIONSHIP_API) <= ops
    assert set(AGREEMENT_RELATIONSHIP_PAGES) <= set(page_routes())


# --- Notifications (added by the notifications app) ------------------------------------------------------
# Its pages and API carry no object id: each user reads only their own notifications, and MT admin's
# failure and outbox pages list only users of the organisations that admin manages.


@pytest.mark.django_db
def test_notifications_of_another_user_stay_hidden_and_unread(
    tenants: Any, django_assert_max_num_queries: Any
) -> None:
    from medtek.notifications.models import Notification
    from medtek.notifications.tests.factories import NotificationFactory

    theirs = NotificationFactory(recipient=tenants.berg_contact, subject="Faktura till Berg")
    client = Client()
    client.force_login(tenants.admin)
    assert "Faktura till Berg" not in client.get("/notifications/").content.decode()
    with django_assert_max_num_queries(6):
        listed = client.get("/api/v1/notifications/")
    assert listed.json()["items"] == []
    with django_assert_max_num_queries(8):
        client.post("/api/v1/notifications/read", {"ids": [theirs.pk]}, content_type="application/json")
    client.post("/notifications/read/", {"id": [theirs.pk]})
    assert Notification.objects.get(pk=theirs.pk).read_at is None


@pytest.mark.django_db
def test_failures_and_outbox_show_only_the_admins_own_users(tenants: Any) -> None:
    from medtek.notifications.models import OutboxMail
    from medtek.notifications.tests.factories import NotificationFactory
    from medtek.organizations.choices import Role
    from medtek.organizations.tests.factories import user_with_role

    foreign_user = user_with_role(tenants.foreign, Role.CUSTOMER_CONTACT, email="foreign@example.se")
    NotificationFactory(recipient=foreign_user, state="failed", last_error="Refused: foreign mailbox")
    OutboxMail.objects.create(
        to="foreign@example.se", from_email="m@example.se", subject="Foreign mail", body_text="x"
    )
    client = Client()
    client.force_login(tenants.admin)
    assert "Refused: foreign mailbox" not in client.get("/notifications/failures/").content.decode()
    assert "Foreign mail" not in client.get("/notifications/outbox/").content.decode()
    client.force_login(tenants.berg_contact)
    assert client.get("/notifications/failures/").status_code == 403
    assert client.get("/notifications/outbox/").status_code == 403


# --- Device search, saved filters and bulk actions ---------------------------------------------------


@pytest.mark.django_db
def test_search_and_bulk_actions_never_reach_another_tenants_devices(
    tenants: Any, django_assert_max_num_queries: Any
) -> None:
    from medtek.inventory import bulk
    from medtek.inventory.filters import DeviceFilter
    from medtek.inventory.models import Device
    from medtek.inventory.tests.factories import DeviceFactory, DeviceModelFactory

    model = DeviceModelFactory(name="Zoll AED Plus", category="Defibrillator")
    ours = DeviceFactory(owner=tenants.berg, asset_number="OUR-1", model=model)
    theirs = DeviceFactory(owner=tenants.foreign, asset_number="THEIR-1", model=model)
    client = Client()
    client.force_login(tenants.admin)
    with django_assert_max_num_queries(15):  # measured 13
        found = client.get("/api/v1/devices", {"q": "defibrillator"}).json()["items"]
    assert [d["asset_number"] for d in found] == ["OUR-1"]
    assert "THEIR-1" not in client.get("/devices/", {"q": "zoll"}).content.decode()
    page = client.get("/devices/bulk/", {"action": "status", "owner": tenants.foreign.pk})
    assert page.status_code == 200 and "0 inventarier" in page.content.decode()
    with pytest.raises(ValidationError):
        bulk.devices_change_status(
            user=tenants.admin, filters=DeviceFilter(owner=tenants.foreign.pk), status="out_of_service"
        )
    bulk.devices_change_status(user=tenants.admin, filters=DeviceFilter(q="zoll"), status="out_of_service")
    assert Device.objects.get(pk=ours.pk).status == "out_of_service"
    assert Device.objects.get(pk=theirs.pk).status == "in_use"


# --- Attachments and labels (documents) -------------------------------------------------------------
# Uploads to each kind of object, downloads and removals of files, and label PDFs join the matrix.
APPS.append("documents")


# --- Placement options of the device form, and a billing run's exports ---------------------------------


@pytest.mark.django_db
def test_the_placement_options_never_list_another_tenants_locations(tenants: Any) -> None:
    from medtek.organizations.tests.factories import LocationFactory

    LocationFactory(organisation=tenants.foreign, code="FR1", name="Främmande avdelning")
    LocationFactory(organisation=tenants.ostersund, code="OS1", name="Östersunds avdelning")
    for user, org in ((tenants.admin, tenants.foreign), (tenants.berg_contact, tenants.ostersund)):
        client = Client()
        client.force_login(user)
        response = client.get("/devices/locations/", {"owner": org.pk})
        assert response.status_code == 200
        assert "avdelning" not in response.content.decode()


@pytest.mark.django_db
def test_a_runs_export_holds_only_the_invoices_the_user_may_see(tenants: Any) -> None:
    import io
    import zipfile

    from medtek.agreements.tests.factories import AgreementFactory
    from medtek.billing.models import BillingRun, Invoice
    from medtek.billing.tests.factories import InvoiceFactory
    from medtek.organizations.choices import Role
    from medtek.organizations.tests.factories import user_with_role

    run = BillingRun.objects.create(provider=tenants.mt, part="fixed", period="2026H1", created=2)
    for customer in (tenants.berg, tenants.ostersund):
        InvoiceFactory(
            agreement=AgreementFactory(provider=tenants.mt, customers=[customer]), customer=customer, run=run
        )
    # An invoice of another provider that points at this run (as no run would) stays out of its export.
    InvoiceFactory(
        agreement=AgreementFactory(provider=tenants.other_mt, customers=[tenants.foreign]),
        customer=tenants.foreign,
        run=run,
    )
    client = Client()
    client.force_login(user_with_role(tenants.mt, Role.FINANCE, username="finance-iso"))
    names = zipfile.ZipFile(io.BytesIO(client.get(f"/billing/runs/{run.pk}/invoices.zip").content)).namelist()
    ours = Invoice.objects.filter(run=run, provider=tenants.mt)
    assert len(names) == ours.count() == 2
    assert sorted(names) == sorted(f"{inv.number or f'utkast-{inv.pk}'}.pdf" for inv in ours)
    client.force_login(user_with_role(tenants.other_mt, Role.FINANCE, username="other-finance-iso"))
    assert client.get(f"/billing/runs/{run.pk}/invoices.zip").status_code == 404


# --- MT admin's form pages: organisations, agreements, aid agreements ------------------------------
# The edit page with an id joins the generated page check above (pinned here); the pages without one
# offer and list only what the user's own scope holds.

FORM_PAGES_WITH_ID = ["organisations/<int:org_id>/edit/"]


def test_the_organisation_edit_page_is_in_the_isolation_check() -> None:
    assert set(FORM_PAGES_WITH_ID) <= set(page_routes())


def test_the_new_agreement_form_offers_only_the_users_own_customers(tenants: Any) -> None:
    client = Client()
    client.force_login(tenants.admin)
    html = client.get("/agreements/new/").content.decode()
    assert "Bergs kommun" in html
    assert "Halmstads kommun" not in html
    assert "MT Elsewhere" not in html


def test_the_aid_agreement_list_holds_none_of_another_tenants(tenants: Any) -> None:
    from medtek.decommissioning.tests.factories import aid_agreement

    aid_agreement(tenants.mt, reference="OURS-1")
    aid_agreement(tenants.other_mt, reference="THEIRS-1")
    client = Client()
    client.force_login(tenants.admin)
    html = client.get("/decommissioning/aid-agreements/").content.decode()
    assert "OURS-1" in html
    assert "THEIRS-1" not in html


def test_a_new_aid_agreement_for_another_tenants_region_is_refused(tenants: Any) -> None:
    from medtek.decommissioning.tests.factories import AidOrganisationFactory

    aid = AidOrganisationFactory()
    client = Client()
    client.force_login(tenants.admin)
    before = Event.objects.count()
    response = client.post(
        "/decommissioning/aid-agreements/new/",
        {
            "region": tenants.other_mt.pk,
            "aid_organisation": aid.pk,
            "reference": "X-1",
            "valid_from": "2026-01-01",
        },
    )
    assert response.status_code == 422
    assert Event.objects.count() == before


# --- The assistive-device centre's catalogue (articles and items) ------------------------------------
# Covered by the generated tests above; pinned so that a renamed route cannot drop out of the check.

ASSISTIVE_CATALOGUE_API = [
    ("GET", "/api/v1/assistive/articles/{article_id}"),
    ("PATCH", "/api/v1/assistive/articles/{article_id}"),
    ("POST", "/api/v1/assistive/articles/{article_id}/items"),
]
ASSISTIVE_CATALOGUE_PAGES = [
    "assistive/articles/<int:article_id>/",
    "assistive/articles/<int:article_id>/edit/",
    "assistive/articles/<int:article_id>/items/new/",
]


def test_the_assistive_catalogue_endpoints_and_pages_are_in_the_isolation_check() -> None:
    ops = set(api_operations())
    assert set(ASSISTIVE_CATALOGUE_API) <= ops
    assert set(ASSISTIVE_CATALOGUE_PAGES) <= set(page_routes())


@pytest.mark.django_db
def test_an_article_of_another_centre_is_neither_listed_nor_given_items(tenants: Any) -> None:
    from medtek.assistive.models import Article
    from medtek.assistive.tests.isolation import FOREIGN
    from medtek.inventory.models import Device
    from medtek.organizations.choices import Role
    from medtek.organizations.tests.factories import user_with_role

    ours = Article.objects.get(pk=FOREIGN["article_id"](tenants, tenants.berg))
    theirs = FOREIGN["article_id"](tenants, tenants.foreign)
    hmc = user_with_role(ours.centre, Role.HMC_STAFF, username="hmc-iso")
    client = Client()
    client.force_login(hmc)
    listed = {a["id"] for a in client.get("/api/v1/assistive/articles", {"limit": 200}).json()["items"]}
    assert listed == {ours.pk}
    response = client.post(
        f"/api/v1/assistive/articles/{theirs}/items",
        data=json.dumps({"asset_number": "ISO-HMC-2"}),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert (
        client.post(f"/assistive/articles/{theirs}/items/new/", {"asset_number": "ISO-HMC-2"}).status_code
        == 404
    )
    assert not Device.objects.filter(asset_number="ISO-HMC-2").exists()
