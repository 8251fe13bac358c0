"""Schemathesis over the whole OpenAPI schema: no bad request is ever a 5xx, every response fits its schema.

Runs in-process against the WSGI app, inside the test's transaction, on the demo data, as an MT admin and
as a municipality's customer contact. Each operation gets a bounded number of generated requests, valid
(positive) and invalid (negative) ones, derandomized so a failure reproduces.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from medtek.organizations.services import token_create

# Examples per operation and mode; raise it locally (MEDTEK_SCHEMATHESIS_EXAMPLES=200) for a deeper run.
EXAMPLES = int(os.environ.get("MEDTEK_SCHEMATHESIS_EXAMPLES", "5"))
CHECKS = [not_a_server_error, response_schema_conformance]


def add_work_invoices_and_surplus(demo: dict[str, Any]) -> None:
    """What the demo data lacks and the API answers about: a work order, invoices, a surplus case."""
    from medtek.billing import services as billing
    from medtek.decommissioning import services as decommissioning
    from medtek.inventory.models import Device
    from medtek.maintenance import services as maintenance

    users, orgs = demo["users"], demo["orgs"]
    device = Device.objects.filter(owner=orgs["BERG"]).order_by("pk").first()
    assert device is not None
    maintenance.work_order_report(user=users["berg"], kind="cm", title="Larmar", device=device.pk)
    billing.fixed_run(user=users["mt-admin"], period="2025H2")
    surplus = Device.objects.visible_to(users["halland-unit"]).order_by("pk").first()
    assert surplus is not None
    decommissioning.surplus_case_register(
        user=users["halland-unit"], reason="no_longer_needed", devices=[surplus.pk]
    )


def real_ids(demo: dict[str, Any]) -> dict[str, int]:
    """An id of the demo data for each path parameter, Berg's where the row has an owner."""
    from medtek.agreements.models import Agreement, RateSchedule
    from medtek.assistive.models import Article, Loan, Prescription
    from medtek.billing.models import Invoice
    from medtek.decommissioning.models import DonationShipment, SurplusCase, SurplusItem
    from medtek.inventory.models import Device, DeviceModel
    from medtek.maintenance.models import ProtocolRecord, WatchItem, WorkOrder
    from medtek.organizations.models import Location

    berg = demo["orgs"]["BERG"]
    rows = {
        "org_id": berg,
        "site_id": Location.objects.filter(organisation=berg).first(),
        "model_id": DeviceModel.objects.first(),
        "device_id": Device.objects.filter(owner=berg).first(),
        "work_order_id": WorkOrder.objects.filter(customer=berg).first(),
        "protocol_record_id": ProtocolRecord.objects.first(),
        "watch_item_id": WatchItem.objects.first(),
        "agreement_id": Agreement.objects.filter(parties__customer=berg).first(),
        "rate_schedule_id": RateSchedule.objects.first(),
        "invoice_id": Invoice.objects.filter(customer=berg).first(),
        "case_id": SurplusCase.objects.first(),
        "item_id": SurplusItem.objects.first(),
        "shipment_id": DonationShipment.objects.first(),
        # HMC's rows (tried as `hmc` below): an open loan and a prescription waiting for dispensing.
        "article_id": Article.objects.first(),
        "prescription_id": Prescription.objects.filter(status="open").first(),
        "loan_id": Loan.objects.filter(returned_on__isnull=True).first(),
    }
    loan = Loan.objects.filter(returned_on__isnull=True).first()
    if loan is not None:
        rows["patient_id"] = loan.patient
    return {name: row.pk for name, row in rows.items() if row is not None}


def _run_operation(
    operation: Any,
    mode: GenerationMode,
    headers: dict[str, str],
    path_parameters: dict[str, int],
    answered: set[str],
) -> None:
    # Valid requests go to rows that exist (else nearly all would meet a 404 and no response body
    # would be checked); invalid ones make up their ids too.
    names = {p.name for p in operation.path_parameters} if mode is GenerationMode.POSITIVE else set()
    fixed = {k: v for k, v in path_parameters.items() if k in names}

    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed or None))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        if response.status_code < 300:
            answered.add(operation.label)

    run()


@pytest.fixture
def connection_kept_open() -> Iterator[None]:
    """Keep the test's transaction across requests, as Django's test client does.

    Django closes a connection left in a transaction when a request finishes; the requests here run
    inside the test's transaction, which holds the demo data.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_every_operation_answers_without_server_errors_and_fits_its_schema(
    demo: Any, connection_kept_open: None
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
    add_work_invoices_and_surplus(demo)
    ids = real_ids(demo)
    failures: list[str] = []
    answered: set[str] = set()  # operations that answered a 2xx at least once, their body checked
    for username in ("mt-admin", "berg", "hmc"):
        _, token = token_create(username=username)
        headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
        for result in schema.get_all_operations():
            operation = result.ok()
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                try:
                    _run_operation(operation, mode, headers, ids, answered)
                except (Exception, BaseExceptionGroup) as exc:  # report every operation, not the first
                    failures.append(f"{username}: {operation.label} [{mode.value}]: {exc}")
    assert not failures, "\n\n".join(failures)
    # Most operations were reached with rows that exist, so their success bodies were checked too.
    assert len(answered) >= len(list(schema.get_all_operations())) // 2, sorted(answered)
