"""Notices and incidents through their services: finding, deciding, correcting, acknowledging, closing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from medtek.core.models import Event
from medtek.inventory.choices import DeviceStatus
from medtek.inventory.tests.factories import DeviceModelFactory
from medtek.maintenance import services as maintenance
from medtek.safety import selectors, services
from medtek.safety.models import AffectedDevice, Incident, SafetyNotice
from medtek.safety.tests.factories import BAD_GTIN, GTIN, incident, notice, pump

pytestmark = pytest.mark.django_db


@pytest.fixture
def pumps(world: Any) -> Any:
    """Infusion pumps of one model in Berg, Östersund and the foreign municipality, in lots L1-L3."""
    model = DeviceModelFactory(name="Infusomat")
    other = DeviceModelFactory(name="Perfusor", manufacturer=model.manufacturer)
    world.model, world.other_model = model, other
    world.berg_pumps = [
        pump(world.berg, model=model, lot=f"L{i % 3 + 1}", serial_number=f"SN{1000 + i}") for i in range(4)
    ]
    world.ost_pumps = [
        pump(world.ostersund, model=model, lot=f"L{i % 3 + 1}", serial_number=f"SN{2000 + i}")
        for i in range(3)
    ]
    world.foreign_pump = pump(world.foreign, model=model, lot="L1", serial_number="SN1001")
    world.other_pump = pump(world.berg, model=other, lot="L1", serial_number="SN1002")
    return world


def _found(n: SafetyNotice) -> set[str]:
    return set(AffectedDevice.objects.filter(notice=n).values_list("device__asset_number", flat=True))


def test_a_notice_finds_the_models_devices_of_every_customer_mt_serves(pumps: Any) -> None:
    n = notice(pumps.admin, pumps.model)
    assert services.notice_find_devices(user=pumps.admin, notice=n) == 7
    assert _found(n) == {d.asset_number for d in pumps.berg_pumps + pumps.ost_pumps}


def test_lots_narrow_a_notice_to_the_devices_of_those_lots(pumps: Any) -> None:
    n = notice(pumps.admin, pumps.model, lots=["L1"])
    services.notice_find_devices(user=pumps.admin, notice=n)
    assert _found(n) == {d.asset_number for d in pumps.berg_pumps + pumps.ost_pumps if d.lot == "L1"}


def test_a_lot_range_names_every_lot_between_its_ends(pumps: Any) -> None:
    n = notice(pumps.admin, pumps.model, lots=["L1..L2"])
    assert n.lots == ["L1", "L2"]
    services.notice_find_devices(user=pumps.admin, notice=n)
    assert len(_found(n)) == 5


def test_a_serial_range_or_a_lot_marks_a_device_affected(pumps: Any) -> None:
    n = notice(pumps.admin, pumps.model, lots=["L3"], serial_ranges=[("SN2000", "SN2001")])
    services.notice_find_devices(user=pumps.admin, notice=n)
    expected = {d.asset_number for d in pumps.berg_pumps + pumps.ost_pumps if d.lot == "L3"}
    expected |= {pumps.ost_pumps[0].asset_number, pumps.ost_pumps[1].asset_number}
    assert _found(n) == expected


def test_a_udi_di_names_devices_of_that_product(pumps: Any) -> None:
    device = pump(pumps.berg, udi_di=GTIN)
    n = notice(pumps.admin, pumps.model, model_ids=[], udi_dis=[GTIN[1:]])
    assert n.udi_dis == [GTIN]
    services.notice_find_devices(user=pumps.admin, notice=n)
    assert _found(n) == {device.asset_number}


def test_searching_again_adds_only_new_devices_and_keeps_findings(pumps: Any) -> None:
    n = notice(pumps.admin, pumps.model)
    services.notice_find_devices(user=pumps.admin, notice=n)
    row = AffectedDevice.objects.filter(notice=n).first()
    assert row is not None
    services.affected_decide(
        user=pumps.tech, affected=row, decision="not_affected", reason="Software already 3.2"
    )
    pump(pumps.berg, model=pumps.model)
    assert services.notice_find_devices(user=pumps.admin, notice=n) == 1
    row.refresh_from_db()
    assert row.decision == "not_affected"


def test_a_serial_range_that_starts_after_it_ends_is_refused_and_nothing_written(pumps: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        notice(pumps.admin, pumps.model, serial_ranges=[("SN2000", "SN1000")])
    assert exc.value.message_dict["serial_ranges"] == [
        "The serial range starts after it ends: SN2000 is after SN1000."
    ]
    assert SafetyNotice.objects.count() == 0


def test_a_udi_di_that_is_not_a_valid_gtin_is_refused(pumps: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        notice(pumps.admin, pumps.model, udi_dis=[BAD_GTIN])
    assert exc.value.message_dict["udi_dis"] == [
        f"'{BAD_GTIN}' is not a valid GTIN: its check digit is wrong."
    ]
    assert SafetyNotice.objects.count() == 0


def test_a_model_of_another_manufacturer_is_refused(pumps: Any) -> None:
    stranger = DeviceModelFactory(name="Volumat")
    with pytest.raises(ValidationError) as exc:
        notice(pumps.admin, pumps.model, model_ids=[pumps.model.pk, stranger.pk])
    assert exc.value.message_dict["models"] == [f"Volumat is not made by {pumps.model.manufacturer.name}."]


def test_not_affected_needs_a_reason(pumps: Any) -> None:
    n = notice(pumps.admin, pumps.model)
    services.notice_find_devices(user=pumps.admin, notice=n)
    row = AffectedDevice.objects.filter(notice=n).first()
    with pytest.raises(ValidationError) as exc:
        services.affected_decide(user=pumps.tech, affected=row, decision="not_affected")
    assert exc.value.message_dict["reason"] == ["Say why the device is not affected."]


def test_work_orders_are_created_in_one_action_for_devices_not_ruled_out(pumps: Any) -> None:
    n = notice(pumps.admin, pumps.model)
    services.notice_find_devices(user=pumps.admin, notice=n)
    ruled_out = AffectedDevice.objects.filter(notice=n).first()
    services.affected_decide(user=pumps.tech, affected=ruled_out, decision="not_affected", reason="Other lot")
    assert services.notice_create_work_orders(user=pumps.admin, notice=n) == 6
    rows = AffectedDevice.objects.filter(notice=n).select_related("work_order")
    orders = [r.work_order for r in rows if r.work_order]
    assert len(orders) == 6
    assert {o.kind for o in orders} == {"cm"}
    assert all(o.number == f"AU-S{n.pk}-{o.device_id}" and o.customer_id == o.device.owner_id for o in orders)
    assert Event.objects.filter(kind="workorder.reported", device_id=orders[0].device_id).exists()
    with pytest.raises(ValidationError):
        services.notice_create_work_orders(user=pumps.admin, notice=n)


def test_stop_using_blocks_the_devices_through_the_register(pumps: Any) -> None:
    n = notice(pumps.admin, pumps.model, action="stop_using")
    services.notice_find_devices(user=pumps.admin, notice=n)
    assert services.notice_block_devices(user=pumps.admin, notice=n) == 7
    device = pumps.berg_pumps[0]
    device.refresh_from_db()
    assert device.status == DeviceStatus.BLOCKED
    assert Event.objects.filter(kind="device.status_changed", device_id=device.pk, status="blocked").exists()


def test_only_a_stop_using_notice_blocks(pumps: Any) -> None:
    n = notice(pumps.admin, pumps.model)
    with pytest.raises(ValidationError) as exc:
        services.notice_block_devices(user=pumps.admin, notice=n)
    assert exc.value.messages == ["Only a notice that says stop using blocks devices."]


def test_a_customer_sees_the_notice_and_only_its_own_devices(pumps: Any) -> None:
    n = notice(pumps.admin, pumps.model)
    services.notice_find_devices(user=pumps.admin, notice=n)
    seen = selectors.visible_rows(
        user=pumps.berg_contact, notice=selectors.notice_get(user=pumps.berg_contact, pk=n.pk)
    )
    assert {r.customer_id for r in seen} == {pumps.berg.pk}
    assert seen.count() == 4


def test_a_customer_without_devices_on_the_notice_does_not_see_it(pumps: Any) -> None:
    n = notice(pumps.admin, pumps.model, lots=["L9"])
    services.notice_find_devices(user=pumps.admin, notice=n)
    with pytest.raises(Http404):
        selectors.notice_get(user=pumps.berg_contact, pk=n.pk)


def test_a_customer_acknowledges_for_its_own_organisation(pumps: Any) -> None:
    n = notice(pumps.admin, pumps.model)
    services.notice_find_devices(user=pumps.admin, notice=n)
    ack = services.notice_acknowledge(user=pumps.berg_contact, notice=n)
    assert ack.customer_id == pumps.berg.pk
    progress = selectors.notice_progress(notice=n)
    assert (progress.customers, progress.acknowledged) == (2, 1)


def test_acknowledging_another_customers_notice_is_404_and_writes_nothing(pumps: Any) -> None:
    n = notice(pumps.admin, pumps.model, lots=["L9"], serial_ranges=[("SN2000", "SN2002")])
    services.notice_find_devices(user=pumps.admin, notice=n)
    before = Event.objects.count()
    with pytest.raises(Http404):
        services.notice_acknowledge(user=pumps.berg_contact, notice=n)
    with pytest.raises(Http404):
        services.notice_acknowledge(user=pumps.ostersund_contact, notice=n, customer=pumps.berg)
    assert Event.objects.count() == before


def test_a_notice_closes_only_when_every_device_is_done_and_every_customer_acknowledged(pumps: Any) -> None:
    n = notice(pumps.admin, pumps.model, lots=["L1"])
    services.notice_find_devices(user=pumps.admin, notice=n)
    services.notice_create_work_orders(user=pumps.admin, notice=n)
    with pytest.raises(ValidationError) as exc:
        services.notice_close(user=pumps.admin, notice=n)
    assert exc.value.messages == [
        "The notice cannot close yet: 3 devices not checked; 3 affected devices not corrected; "
        "2 customers have not acknowledged the notice."
    ]
    for row in AffectedDevice.objects.filter(notice=n):
        maintenance.work_order_start(user=pumps.tech, work_order=row.work_order_id)
        maintenance.work_order_complete(user=pumps.tech, work_order=row.work_order_id, resolution="Inspected")
    services.notice_acknowledge(user=pumps.berg_contact, notice=n)
    services.notice_acknowledge(user=pumps.ostersund_contact, notice=n)
    n.refresh_from_db()
    assert n.status == "closed"
    rows = selectors.report_rows(user=pumps.admin, notice=n)
    assert {r["finding"] for r in rows} == {"Corrected"}
    assert all(r["work_done"] and r["acknowledged"] for r in rows)


def _closings(n: SafetyNotice) -> list[Event]:
    return list(Event.objects.filter(kind="safety.notice_closed", subject_id=n.pk))


def _correct(pumps: Any, n: SafetyNotice, rows: Any = None) -> None:
    for row in rows if rows is not None else AffectedDevice.objects.filter(notice=n):
        maintenance.work_order_start(user=pumps.tech, work_order=row.work_order_id)
        maintenance.work_order_complete(user=pumps.tech, work_order=row.work_order_id, resolution="Done")


def test_the_last_acknowledgement_closes_the_notice_by_itself(pumps: Any) -> None:
    n = notice(pumps.admin, pumps.model, lots=["L1"])
    services.notice_find_devices(user=pumps.admin, notice=n)
    services.notice_create_work_orders(user=pumps.admin, notice=n)
    _correct(pumps, n)
    services.notice_acknowledge(user=pumps.berg_contact, notice=n)
    n.refresh_from_db()
    assert n.status == "open" and _closings(n) == []
    services.notice_acknowledge(user=pumps.ostersund_contact, notice=n)
    n.refresh_from_db()
    assert n.status == "closed" and n.closed_at is not None
    [event] = _closings(n)
    assert (event.actor_id, event.data) == (pumps.ostersund_contact.pk, {"automatic": True})


def test_the_last_corrective_work_order_done_closes_the_notice_by_itself(pumps: Any) -> None:
    n = notice(pumps.admin, pumps.model, lots=["L1"])
    services.notice_find_devices(user=pumps.admin, notice=n)
    services.notice_create_work_orders(user=pumps.admin, notice=n)
    services.notice_acknowledge(user=pumps.berg_contact, notice=n)
    services.notice_acknowledge(user=pumps.ostersund_contact, notice=n)
    *first, last = AffectedDevice.objects.filter(notice=n).order_by("pk")
    _correct(pumps, n, first)
    n.refresh_from_db()
    assert n.status == "open"
    _correct(pumps, n, [last])
    n.refresh_from_db()
    assert n.status == "closed"
    [event] = _closings(n)
    assert event.actor_id == pumps.tech.pk


def test_the_last_finding_not_affected_closes_the_notice_by_itself(pumps: Any) -> None:
    n = notice(pumps.admin, pumps.model, lots=["L1"])
    services.notice_find_devices(user=pumps.admin, notice=n)
    rows = list(AffectedDevice.objects.filter(notice=n).order_by("pk"))
    services.notice_acknowledge(user=pumps.berg_contact, notice=n)
    services.notice_acknowledge(user=pumps.ostersund_contact, notice=n)
    for row in rows[:-1]:
        services.affected_decide(user=pumps.tech, affected=row, decision="not_affected", reason="Nytt kort")
    n.refresh_from_db()
    assert n.status == "open"
    services.affected_decide(user=pumps.tech, affected=rows[-1], decision="not_affected", reason="Bytt")
    n.refresh_from_db()
    assert n.status == "closed" and len(_closings(n)) == 1


def test_a_device_found_affected_keeps_the_notice_open_until_it_is_corrected(pumps: Any) -> None:
    n = notice(pumps.admin, pumps.model, lots=["L1"])
    services.notice_find_devices(user=pumps.admin, notice=n)
    services.notice_acknowledge(user=pumps.berg_contact, notice=n)
    services.notice_acknowledge(user=pumps.ostersund_contact, notice=n)
    for row in AffectedDevice.objects.filter(notice=n):
        services.affected_decide(user=pumps.tech, affected=row, decision="affected")
    n.refresh_from_db()
    assert n.status == "open" and _closings(n) == []
    assert selectors.notice_progress(notice=n).outstanding == ["3 affected devices not corrected"]


# --- incidents ------------------------------------------------------------------------------------


def test_an_incident_can_block_its_device_at_once(world: Any) -> None:
    device = pump(world.ostersund)
    inc = incident(world.ostersund_contact, device, block=True)
    device.refresh_from_db()
    assert device.status == DeviceStatus.BLOCKED and inc.device_blocked
    assert Event.objects.filter(
        kind="device.status_changed", device_id=device.pk, subject_type="safety.incident"
    ).exists()


def test_an_incident_with_a_personal_identity_number_is_refused(world: Any) -> None:
    device = pump(world.ostersund)
    with pytest.raises(ValidationError) as exc:
        incident(world.ostersund_contact, device, description="Patient 19121212-1212 fell")
    assert exc.value.message_dict["description"] == [
        "Remove the personal identity number: an incident report must not hold personal data "
        "about the patient."
    ]
    assert Incident.objects.count() == 0


def test_mt_records_the_report_to_lakemedelsverket(world: Any) -> None:
    inc = incident(world.ostersund_contact, pump(world.ostersund))
    today = timezone.localdate()
    done = services.incident_assess(
        user=world.admin,
        incident=inc,
        report_manufacturer=True,
        manufacturer_reference="BB-2026-0042",
        manufacturer_reported_on=today,
        report_authority=True,
        authority_reference="LV 6.2.3-2026-012345",
        authority_reported_on=today,
    )
    assert done.status == "assessed" and done.authority_reference == "LV 6.2.3-2026-012345"


def test_a_report_to_lakemedelsverket_needs_its_reference_and_date(world: Any) -> None:
    inc = incident(world.ostersund_contact, pump(world.ostersund))
    with pytest.raises(ValidationError) as exc:
        services.incident_assess(
            user=world.admin, incident=inc, report_manufacturer=False, report_authority=True
        )
    assert exc.value.message_dict == {
        "authority_reference": ["Give the reference of the report to Läkemedelsverket."],
        "authority_reported_on": ["Give the date of the report to Läkemedelsverket."],
    }


def test_a_customer_cannot_assess_an_incident(world: Any) -> None:
    inc = incident(world.ostersund_contact, pump(world.ostersund))
    # The customer sees its own incident, so the refusal is 403 with the reason, not 404.
    with pytest.raises(PermissionDenied, match="may not triage"):
        services.incident_assess(
            user=world.ostersund_contact, incident=inc, report_manufacturer=False, report_authority=False
        )


def test_incidents_are_counted_per_model(world: Any) -> None:
    model = DeviceModelFactory(name="Infusomat")
    for _ in range(3):
        incident(world.ostersund_contact, pump(world.ostersund, model=model), patient_harm="yes")
    incident(world.berg_contact, pump(world.berg))
    rows = selectors.incidents_per_model(user=world.admin)
    assert (rows[0]["device__model__name"], rows[0]["incidents"], rows[0]["harmed"]) == ("Infusomat", 3, 3)
    assert [r["incidents"] for r in selectors.incidents_per_model(user=world.berg_contact)] == [1]


def test_an_incident_cannot_have_happened_in_the_future(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        incident(
            world.ostersund_contact, pump(world.ostersund), occurred_at=timezone.now() + dt.timedelta(days=1)
        )
    assert exc.value.message_dict["occurred_at"] == ["An incident cannot have happened in the future."]


def test_corrective_work_orders_are_refused_for_a_device_outside_the_users_reach(pumps: Any) -> None:
    from django.core.exceptions import PermissionDenied

    from medtek.maintenance.bulk import work_orders_create_corrective
    from medtek.maintenance.models import WorkOrder

    with pytest.raises(PermissionDenied):
        work_orders_create_corrective(
            user=pumps.admin,
            device_ids=[pumps.berg_pumps[0].pk, pumps.foreign_pump.pk],
            number_prefix="AU-X-",
            title="FSN",
        )
    assert not WorkOrder.objects.exists()
