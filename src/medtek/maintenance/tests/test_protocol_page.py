"""The IEC 62353 protocol on the work order's page: a refused answer comes back at its item with every
other answer as typed (422); a refusal of the whole protocol shows at the top of the protocol's own form."""

from __future__ import annotations

from typing import Any

import pytest

from medtek.core.models import Event
from medtek.inventory.models import Device
from medtek.inventory.tests.factories import DeviceFactory, DeviceModelFactory
from medtek.maintenance import services
from medtek.maintenance.choices import WorkOrderStatus
from medtek.maintenance.models import ProtocolRecord, ProtocolResultLine
from medtek.maintenance.tests.test_failed_check import LAST_PM, _english_client, _fu

pytestmark = pytest.mark.django_db


@pytest.fixture
def pump(world: Any) -> Device:
    """A pump due for FU whose model has an electrical safety check: a visual inspection and a measurement."""
    model = DeviceModelFactory(name="Volumat", pm_interval_months=12)
    services.protocol_template_create(
        user=world.admin,
        code="ES",
        name="Electrical safety",
        items=[
            {"kind": "check", "label": "Visual inspection"},
            {"kind": "measure", "label": "Protective earth", "unit": "Ω", "upper_limit": "0.3"},
        ],
        device_models=[model],
    )
    device = DeviceFactory(owner=world.berg, model=model, asset_number="PUMP-1")
    services.pm_state_set(user=world.admin, device=device, last_done=LAST_PM)
    return device


def _sent(rec: ProtocolRecord, earth_value: str) -> dict[str, str]:
    items = _items(rec)
    earth = items["Protective earth"]
    return {
        f"item-{items['Visual inspection']}": "yes",
        f"item-{earth}": earth_value,
        f"unit-{earth}": "Ω",
        "complete": "1",
    }


def _items(rec: ProtocolRecord) -> dict[str, int]:
    return {i.label: i.pk for i in rec.template.items.all()}


def _section(html: str, rec: ProtocolRecord) -> str:
    start = html.index(f'id="protocol-{rec.pk}"')
    return html[start : html.index("</section>", start)]


def test_a_measurement_left_out_is_refused_at_its_field_with_the_check_kept(world: Any, pump: Device) -> None:
    wo = _fu(world, pump)
    rec = wo.protocol_records.get()
    items = _items(rec)
    earth = items["Protective earth"]
    response = _english_client(world.tech).post(
        f"/maintenance/protocol/{rec.pk}/",
        {
            f"item-{items['Visual inspection']}": "yes",
            f"item-{earth}": "",
            f"unit-{earth}": "Ω",
            "complete": "1",
        },
    )
    html = response.content.decode()
    section = _section(html, rec)
    assert response.status_code == 422
    assert f'aria-invalid="true" aria-describedby="id_item-{earth}_error"' in section
    assert f'<ul class="errorlist" id="id_item-{earth}_error"><li>Fill in the measured value' in section
    assert '<option value="yes" selected>' in section
    assert f'<a href="#item-{earth}">Protective earth: Fill in the measured value' in html
    rec.refresh_from_db()
    assert rec.result == "open" and not ProtocolResultLine.objects.exists()


def test_a_protocol_of_cancelled_work_is_refused_at_the_top_of_its_form(world: Any, pump: Device) -> None:
    wo = _fu(world, pump)
    rec = wo.protocol_records.get()
    services.work_order_set_status(user=world.admin, work_order=wo, status=WorkOrderStatus.CANCELLED)
    items = _items(rec)
    events = Event.objects.count()
    earth = items["Protective earth"]
    response = _english_client(world.tech).post(
        f"/maintenance/protocol/{rec.pk}/",
        {
            f"item-{items['Visual inspection']}": "yes",
            f"item-{earth}": "0,1",
            f"unit-{earth}": "Ω",
            "complete": "1",
        },
    )
    html = response.content.decode()
    section = _section(html, rec)
    message = "Start the work order before recording its protocol."
    box = (
        f'<ul class="errorlist nonfield" id="protocol-{rec.pk}-errors" tabindex="-1"><li>{message}</li></ul>'
    )
    assert response.status_code == 422
    assert section.index(box) < section.index(f'id="item-{earth}"')
    assert 'value="0,1"' in section
    assert f'<a href="#protocol-{rec.pk}-errors">{message}</a>' in html
    assert "results:" not in html
    assert Event.objects.count() == events and not ProtocolResultLine.objects.exists()
