"""The API keeps its contract: one name per shape, unknown fields refused, every bad request a 4xx."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from ninja import NinjaAPI
from ninja.testing import TestClient
from pydantic import BaseModel

from medtek.config.api import api
from medtek.core.api import install_exception_handlers
from medtek.core.streams import primed_stream
from medtek.inventory.tests.factories import DeviceFactory, DeviceModelFactory
from medtek.maintenance.tests.factories import WorkOrderFactory
from medtek.organizations.choices import OrganisationKind
from medtek.organizations.services import token_create
from medtek.organizations.tests.factories import OrganisationFactory

API = "/api/v1"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def client_for(user: Any) -> Client:
    _, key = token_create(username=user.username)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def admin(world: Any) -> Client:
    return client_for(world.admin)


def post(client: Client, path: str, body: Any) -> tuple[int, Any]:
    raw = body if isinstance(body, str) else json.dumps(body)
    response = client.post(f"{API}{path}", data=raw, content_type="application/json")
    return response.status_code, response.json()


def openapi() -> dict[str, Any]:
    return api.get_openapi_schema()


# --- one name, one shape --------------------------------------------------------------------------


def _operation_models() -> Iterator[type[BaseModel]]:
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                yield from operation.models
                for model in (operation.response_models or {}).values():
                    if isinstance(model, type) and issubclass(model, BaseModel):
                        yield model


def test_every_component_name_maps_to_one_shape() -> None:
    shapes: dict[str, dict[str, Any]] = {}
    clashes: set[str] = set()
    for model in _operation_models():
        for mode in ("validation", "serialization"):
            schema = model.model_json_schema(mode=mode, ref_template="#/components/schemas/{model}")
            # The operation's own model is ninja's wrapper of its parameters or response; what it
            # wraps are the published components.
            for name, shape in schema.get("$defs", {}).items():
                key = f"{name}/{mode}"
                if shapes.setdefault(key, shape) != shape:
                    clashes.add(name)
    assert sorted(clashes) == []


def test_agreement_list_answers_rows_that_fit_its_published_schema(world: Any, admin: Client) -> None:
    page = openapi()["components"]["schemas"]["AgreementPage"]
    item = openapi()["components"]["schemas"][page["properties"]["items"]["items"]["$ref"].split("/")[-1]]
    assert "reference" in item["required"] and "region_id" not in item["properties"]


def test_device_status_and_work_order_status_are_two_schemas() -> None:
    schemas = openapi()["components"]["schemas"]
    assert "reason" in schemas["DeviceStatusIn"]["properties"]
    assert "waiting_reason" in schemas["WorkOrderStatusIn"]["properties"]
    assert "StatusIn" not in schemas


# --- unknown fields -------------------------------------------------------------------------------


def test_every_write_body_refuses_unknown_fields_in_its_published_schema() -> None:
    schema = openapi()
    components = schema["components"]["schemas"]
    open_bodies = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            ref = content.get("application/json", {}).get("schema", {}).get("$ref")
            if ref and components[ref.split("/")[-1]].get("additionalProperties") is not False:
                open_bodies.append(f"{method.upper()} {path}")
    assert open_bodies == []


def test_an_unknown_field_in_a_write_body_is_refused_naming_it(world: Any, admin: Client) -> None:
    status, body = post(
        admin, "/sites", {"organisation_id": world.berg.pk, "name": "Avd 1", "code": "A1", "colour": "red"}
    )
    assert status == 422
    assert body["errors"] == {"colour": ["Unknown field: this operation does not take it."]}


# --- pages ------------------------------------------------------------------------------------------


def _list_paths() -> list[str]:
    paths = []
    for path, operations in openapi()["paths"].items():
        names = {p["name"] for p in operations.get("get", {}).get("parameters", [])}
        if "limit" in names:
            assert "cursor" in names, path
            paths.append(path)
    return paths


def test_every_keyset_list_takes_the_one_page_input() -> None:
    assert len(_list_paths()) >= 11


def test_a_negative_limit_is_refused_on_every_list(world: Any, admin: Client) -> None:
    device = DeviceFactory(owner=world.berg)
    answers = {}
    for path in _list_paths():
        path_with_ids = re.sub(r"\{\w+_id\}", "1", path.replace("{device_id}", str(device.pk)))
        response = admin.get(path_with_ids, {"limit": -2})
        answers[path] = (response.status_code, response.json()["errors"])
    expected = {"limit": ["Input should be greater than or equal to 1"]}
    assert answers == {path: (422, expected) for path in answers}


@pytest.mark.parametrize("cursor", ["x", "eyJrIjpbImEiXX0", "eyJrIjpbeyJhIjoxfSwiYiJdLCJjIjoieCJ9"])
def test_a_crafted_cursor_is_refused(world: Any, admin: Client, cursor: str) -> None:
    response = admin.get(f"{API}/devices", {"cursor": cursor})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "cursor": ["The cursor is not one this list gave out; start from the first page."]
    }


def test_a_cursor_of_another_list_is_refused(world: Any, admin: Client) -> None:
    DeviceModelFactory.create_batch(3)
    cursor = admin.get(f"{API}/device-models", {"limit": 1}).json()["next_cursor"]
    response = admin.get(f"{API}/organisations", {"cursor": cursor})
    assert response.status_code == 422
    assert "cursor" in response.json()["errors"]


# --- values a database cannot hold ------------------------------------------------------------------


def test_a_time_entry_dated_year_one_is_refused(world: Any) -> None:
    work_order = WorkOrderFactory(customer=world.berg)
    tech = client_for(world.tech)
    status, body = post(
        tech, f"/maintenance/work-orders/{work_order.pk}/time-entries", {"date": "0001-01-01", "hours": "1"}
    )
    assert status == 422
    assert body["errors"] == {"date": ["Enter a date between 1900-01-01 and 2100-12-31."]}


def test_a_query_date_out_of_range_is_refused(world: Any, admin: Client) -> None:
    response = admin.get(f"{API}/devices/counts", {"as_of": "9999-12-31"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"as_of": ["Enter a date between 1900-01-01 and 2100-12-31."]}


def test_an_amount_beyond_the_columns_digits_is_refused_naming_them(world: Any) -> None:
    work_order = WorkOrderFactory(customer=world.berg)
    tech = client_for(world.tech)
    status, body = post(
        tech,
        f"/maintenance/work-orders/{work_order.pk}/travel-entries",
        {"date": "2026-03-02", "cost": "1000000000000000"},
    )
    assert status == 422
    assert body["errors"] == {"cost": ["Decimal input should have no more than 14 digits in total"]}


def test_a_material_line_whose_amount_no_invoice_can_hold_is_refused(world: Any) -> None:
    work_order = WorkOrderFactory(customer=world.berg)
    status, body = post(
        client_for(world.tech),
        f"/maintenance/work-orders/{work_order.pk}/material-lines",
        {
            "date": "2026-03-02",
            "kind": "spare_part",
            "description": "Slang",
            "quantity": "99999999.99",
            "unit_price": "999999999999.99",
        },
    )
    assert status == 422
    assert body["errors"] == {"unit_price": ["Quantity × unit price must stay below 1 000 000 000 000 kr."]}


@pytest.mark.parametrize("raw", ['"NaN"', "NaN", "Infinity", '"-Infinity"'])
def test_a_number_that_is_not_finite_is_refused(world: Any, raw: str) -> None:
    work_order = WorkOrderFactory(customer=world.berg)
    tech = client_for(world.tech)
    body = '{"date": "2026-03-02", "hours": ' + raw + "}"
    status, answer = post(tech, f"/maintenance/work-orders/{work_order.pk}/time-entries", body)
    assert status == 422 and list(answer["errors"]) == ["hours"]


def test_a_nul_character_in_a_body_is_refused_naming_the_field(world: Any, admin: Client) -> None:
    status, body = post(admin, "/sites", {"organisation_id": world.berg.pk, "name": "Avd\x001", "code": "A1"})
    assert status == 422
    assert body["errors"] == {"name": ["Text may not contain a NUL character (\\u0000)."]}


def test_a_bad_date_is_refused_in_swedish_by_default(world: Any) -> None:
    _, key = token_create(username=world.admin.username)
    swedish = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = swedish.get(f"{API}/devices/counts", {"as_of": "1800-01-01"})
    assert response.json()["errors"] == {"as_of": ["Ange ett datum mellan 1900-01-01 och 2100-12-31."]}


def test_a_nul_character_in_a_query_is_refused(world: Any, admin: Client) -> None:
    response = admin.get(f"{API}/devices", {"q": "MT\x00"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"q": ["Text may not contain a NUL character (\\u0000)."]}


def test_a_huge_number_is_refused(world: Any, admin: Client) -> None:
    response = admin.get(f"{API}/maintenance/pm-due", {"horizon_days": 10**30})
    assert response.status_code == 422


# --- the device register ------------------------------------------------------------------------------


def test_a_device_registers_with_its_external_maintainer(world: Any, admin: Client) -> None:
    supplier = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name="Service AB")
    model = DeviceModelFactory()
    status, body = post(
        admin,
        "/devices",
        {
            "asset_number": "MT-EXT-1",
            "model_id": model.pk,
            "owner_id": world.berg.pk,
            "maintenance_responsibility": "external",
            "external_maintainer_id": supplier.pk,
            "external_agreement_ref": "SA-1",
        },
    )
    assert status == 201, body
    assert body["external_maintainer_id"] == supplier.pk


# --- errors are JSON, streams fail before they start -------------------------------------------------


def test_an_unexpected_error_is_json_when_debug_is_off(settings: Any) -> None:
    settings.DEBUG = False
    broken = NinjaAPI(urls_namespace="broken-test")
    install_exception_handlers(broken)

    @broken.get("/boom")
    def boom(request: Any) -> None:
        raise RuntimeError("disk on fire")

    response = TestClient(broken).get("/boom")
    assert response.status_code == 500
    assert response.json() == {
        "detail": "Something went wrong on the server; it has been logged.",
        "errors": {},
    }


def test_a_request_django_calls_bad_stays_a_json_400(settings: Any) -> None:
    from django.core.exceptions import RequestDataTooBig

    settings.DEBUG = False
    strict = NinjaAPI(urls_namespace="too-big-test")
    install_exception_handlers(strict)

    @strict.post("/upload")
    def upload(request: Any) -> None:
        raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")

    response = TestClient(strict).post("/upload")
    assert response.status_code == 400
    assert response.json()["detail"] == "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE."


def test_a_stream_whose_first_rows_fail_fails_before_its_first_byte() -> None:
    def rows() -> Iterator[bytes]:
        yield b"header\r\n"
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        primed_stream(rows())


def test_a_stream_failing_later_ends_with_a_visible_error_row() -> None:
    def rows() -> Iterator[bytes]:
        yield b"header\r\n"
        yield b"row 1\r\n"
        raise RuntimeError("database went away")

    body = b"".join(primed_stream(rows(), error_row=b"# export failed\r\n"))
    assert body == b"header\r\nrow 1\r\n# export failed\r\n"
