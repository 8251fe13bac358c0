"""Issuing (gap-free, once), credit notes, the closed-period guard and concurrency."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from medtek.billing import services
from medtek.billing.models import Invoice, InvoiceSeries
from medtek.billing.tests.helpers import billable_work_order
from medtek.maintenance.services import time_entry_add
from medtek.maintenance.tests.factories import WorkOrderFactory


@pytest.mark.django_db
def test_issuing_numbers_invoices_without_gaps(demo):
    admin = demo["users"]["mt-admin"]
    services.fixed_run(user=admin, period="2025H2")
    numbers = [
        services.invoice_issue(user=admin, invoice=inv).number
        for inv in Invoice.objects.filter(period="2025H2").order_by("customer__name")
    ]
    assert numbers == [f"MT{n:06d}" for n in range(1, 9)]


@pytest.mark.django_db
def test_issuing_an_invoice_twice_is_refused_and_changes_nothing(demo):
    admin = demo["users"]["mt-admin"]
    services.fixed_run(user=admin, period="2025H2")
    inv = services.invoice_issue(
        user=admin,
        invoice=Invoice.objects.get(period="2025H2", customer__short_code="BERG"),
        issue_date=dt.date(2025, 7, 1),
    )
    with pytest.raises(ValidationError) as exc:
        services.invoice_issue(user=admin, invoice=inv)
    assert exc.value.message_dict["invoice"] == [
        "Faktura MT000001 utfärdades redan 2025-07-01; en utfärdad faktura ändras aldrig "
        "(rätta den med en kreditfaktura)."
    ]
    inv.refresh_from_db()
    assert (inv.number, inv.issue_date, inv.due_date) == (
        "MT000001",
        dt.date(2025, 7, 1),
        dt.date(2025, 7, 31),
    )


@pytest.mark.django_db
def test_a_credit_note_references_the_invoice_and_reopens_the_period(demo):
    admin = demo["users"]["mt-admin"]
    services.fixed_run(user=admin, period="2025H2")
    inv = services.invoice_issue(
        user=admin, invoice=Invoice.objects.get(period="2025H2", customer__short_code="BERG")
    )
    note = services.invoice_credit(user=admin, invoice=inv, reason="Fel antal inventarier")
    note = services.invoice_issue(user=admin, invoice=note)
    inv.refresh_from_db()
    assert (note.kind, note.credited_invoice_id, note.net_total) == ("credit_note", inv.pk, inv.net_total)
    assert inv.status == "credited"
    again = services.fixed_run(user=admin, period="2025H2")
    assert len(again.created) == 1


@pytest.mark.django_db
def test_an_entry_in_an_invoiced_month_is_refused(demo):
    admin, berg, tech = demo["users"]["mt-admin"], demo["orgs"]["BERG"], demo["users"]["mt-tech"]
    billable_work_order(customer=berg, technician=tech, day=dt.date(2026, 3, 4))
    result = services.variable_run(user=admin, period="2026-03")
    inv = services.invoice_issue(user=admin, invoice=result.created[0])
    wo = WorkOrderFactory(customer=berg)
    with pytest.raises(ValidationError) as exc:
        time_entry_add(user=tech, work_order=wo, date=dt.date(2026, 3, 10), hours=Decimal("1"))
    assert exc.value.message_dict["date"] == [
        f"2026-03 är redan fakturerad till Bergs kommun (faktura {inv.number}): perioden är stängd. "
        "Datera registreringen i en öppen månad, eller kreditera fakturan först."
    ]
    assert not wo.time_entries.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_never_repeats_or_skips_a_number(world, event_log_flushable):
    """Eight issuing transactions at once each take the next number of the locked series row."""
    seller_id = world.mt.pk
    taken: list[str] = []
    errors: list[Exception] = []

    def take() -> None:
        try:
            with transaction.atomic():
                taken.append(services._next_number(seller_id))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    if connection.vendor == "postgresql":
        threads = [threading.Thread(target=take) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    else:  # SQLite serialises writers anyway
        for _ in range(8):
            take()
    assert errors == []
    assert sorted(taken) == [f"MT{n:06d}" for n in range(1, 9)]
    assert InvoiceSeries.objects.get(seller_id=seller_id).next_number == 9
