"""Billing runs on the demo data: the source's example, idempotency, the index, errors that change nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from medtek.agreements import services as agreement_services
from medtek.billing import services
from medtek.billing.models import BillingRun, Invoice, InvoiceLine
from medtek.billing.tests.helpers import billable_work_order
from medtek.core.models import Event

pytestmark = pytest.mark.django_db

SOURCE_TABLE_1 = {
    "Bergs kommun": (50, Decimal("5.4")),
    "Bräcke kommun": (60, Decimal("6.5")),
    "Härjedalens kommun": (96, Decimal("10.4")),
    "Krokoms kommun": (90, Decimal("9.8")),
    "Ragunda kommun": (41, Decimal("4.4")),
    "Strömsunds kommun": (152, Decimal("16.5")),
    "Åre kommun": (53, Decimal("5.7")),
    "Östersunds kommun": (381, Decimal("41.3")),
}


def _snapshot():
    return (
        list(
            Invoice.objects.order_by("pk").values_list("pk", "status", "net_total", "vat_total", "updated_at")
        ),
        list(InvoiceLine.objects.order_by("pk").values_list("pk", "amount")),
        Event.objects.count(),
        BillingRun.objects.count(),
    )


def test_fixed_run_2025h2_gives_the_sources_total_and_table_1(demo):
    result = services.fixed_run(user=demo["users"]["mt-admin"], period="2025H2")
    (basis,) = result.bases
    assert basis.agreement.reference == "RJH-MT-2024"
    assert basis.reference_date == dt.date(2025, 6, 30)
    assert basis.total.hours == Decimal("112.3")
    assert basis.total.rate == Decimal("1123.00")
    assert basis.total.total == Decimal("126112.90")
    assert {r.customer.name: (r.count, r.share) for r in basis.rows} == SOURCE_TABLE_1


def test_fixed_run_amounts_add_up_to_the_total_to_the_ore(demo):
    services.fixed_run(user=demo["users"]["mt-admin"], period="2025H2")
    invoices = Invoice.objects.filter(period="2025H2", part="fixed")
    assert invoices.count() == 8
    assert sum(i.net_total for i in invoices) == Decimal("126112.90")
    berg = invoices.get(customer__short_code="BERG")
    assert berg.net_total == Decimal("6831.69")
    assert berg.vat_total == Decimal("1707.92")
    assert berg.lines.get().basis["count"] == 50


def test_running_the_fixed_run_again_changes_nothing(demo):
    admin = demo["users"]["mt-admin"]
    services.fixed_run(user=admin, period="2025H2")
    before = _snapshot()
    again = services.fixed_run(user=admin, period="2025H2")
    assert (again.created, again.updated, len(again.unchanged)) == ([], [], 8)
    assert _snapshot() == before


def test_an_issued_invoice_is_left_alone_by_a_new_run(demo):
    admin = demo["users"]["mt-admin"]
    services.fixed_run(user=admin, period="2025H2")
    inv = Invoice.objects.get(period="2025H2", customer__short_code="BERG")
    services.invoice_issue(user=admin, invoice=inv)
    again = services.fixed_run(user=admin, period="2025H2")
    assert inv.pk in again.unchanged
    assert Invoice.objects.filter(period="2025H2", customer__short_code="BERG").count() == 1


def test_the_2026_fixed_run_uses_the_indexed_rate_of_2026(demo):
    result = services.fixed_run(user=demo["users"]["mt-admin"], period="2026H1")
    (basis,) = result.bases
    assert basis.agreement.reference == "RJH-MT-2026"
    # 1123 kr/h + the demo's example VPI 3.0 % = 1156.69, rounded to whole kronor: 1157 kr/h.
    assert basis.total.rate == Decimal("1157.00")
    assert basis.total.total == Decimal("129931.10")


def test_a_missing_index_figure_stops_the_run_with_a_clear_message_and_writes_nothing(demo):
    before = _snapshot()
    with pytest.raises(ValidationError) as exc:
        services.fixed_run(user=demo["users"]["mt-admin"], period="2027H1")
    assert exc.value.message_dict["period"] == [
        "RJH-MT-2026: Inget VPI-tal har förts in för 2027: timpriset från 2027-01-01 kan inte beräknas. "
        "En MT-administratör för först in förändringen som SKR publicerat (med dess referens)."
    ]
    assert _snapshot() == before


def test_entering_the_2026_figure_changes_the_2026_rate_and_not_2025(demo):
    admin, schedule = demo["users"]["mt-admin"], demo["rate_schedule"]
    agreement_services.index_figure_enter(
        user=admin, schedule=schedule, year=2026, change_percent="2.5", publication_reference="SKR 2025-12"
    )
    schedule.refresh_from_db()
    assert schedule.rate_on(dt.date(2026, 3, 1)) == Decimal("1151.00")
    assert schedule.rate_on(dt.date(2025, 12, 31)) == Decimal("1123.00")


@pytest.mark.parametrize(
    ("period", "message"),
    [
        (
            "2026H3",
            "'2026H3' är varken ett halvår eller en månad: skriv ett halvår som 2026H1 eller 2026H2, "
            "eller en månad som 2026-03.",
        ),
        ("2026-03", "Den fasta delen faktureras per halvår (t.ex. 2026H1), inte för '2026-03'."),
    ],
)
def test_a_fixed_run_refuses_a_period_that_is_not_a_half_year(demo, period, message):
    with pytest.raises(ValidationError) as exc:
        services.fixed_run(user=demo["users"]["mt-admin"], period=period)
    assert exc.value.message_dict["period"] == [message]


def test_a_variable_run_refuses_a_month_13(demo):
    with pytest.raises(ValidationError) as exc:
        services.variable_run(user=demo["users"]["mt-admin"], period="2026-13")
    assert exc.value.message_dict["period"] == [
        "'2026-13' är varken ett halvår eller en månad: skriv ett halvår som 2026H1 eller 2026H2, "
        "eller en månad som 2026-03."
    ]


def test_the_variable_run_bills_the_work_orders_hours_visit_and_part(demo):
    admin, berg = demo["users"]["mt-admin"], demo["orgs"]["BERG"]
    wo = billable_work_order(customer=berg, technician=demo["users"]["mt-tech"], day=dt.date(2026, 3, 4))
    result = services.variable_run(user=admin, period="2026-03")
    inv = Invoice.objects.get(pk__in=result.created, customer=berg)
    lines = list(inv.lines.order_by("position"))
    assert [(line.kind, line.quantity, line.unit_price, line.amount) for line in lines] == [
        ("time", Decimal("2.500"), Decimal("1157.00"), Decimal("2892.50")),
        ("travel", Decimal("1.000"), Decimal("450.00"), Decimal("450.00")),
        ("material", Decimal("1.000"), Decimal("1290.00"), Decimal("1290.00")),
    ]
    assert {line.work_order_id for line in lines} == {wo.pk}
    assert inv.net_total == Decimal("4632.50")
    assert inv.gross_total == Decimal("5790.63")


def test_the_variable_run_leaves_preventive_maintenance_to_the_fixed_part(demo):
    berg = demo["orgs"]["BERG"]
    billable_work_order(
        customer=berg, technician=demo["users"]["mt-tech"], day=dt.date(2026, 3, 4), kind="pm"
    )
    result = services.variable_run(user=demo["users"]["mt-admin"], period="2026-03")
    assert not Invoice.objects.filter(pk__in=result.created, customer=berg).exists()


def test_a_care_providers_work_is_billed_to_the_municipality_it_counts_as(demo):
    varda, ostersund = demo["orgs"]["VARDA"], demo["orgs"]["OSTERSUND"]
    billable_work_order(customer=varda, technician=demo["users"]["mt-tech"], day=dt.date(2026, 3, 4))
    result = services.variable_run(user=demo["users"]["mt-admin"], period="2026-03")
    assert Invoice.objects.filter(pk__in=result.created, customer=ostersund).exists()


def test_running_the_variable_run_again_changes_nothing(demo):
    admin = demo["users"]["mt-admin"]
    billable_work_order(
        customer=demo["orgs"]["BERG"], technician=demo["users"]["mt-tech"], day=dt.date(2026, 3, 4)
    )
    services.variable_run(user=admin, period="2026-03")
    before = _snapshot()
    again = services.variable_run(user=admin, period="2026-03")
    assert again.created == [] and again.updated == []
    assert _snapshot() == before


def test_a_new_entry_updates_the_draft_of_the_month(demo):
    admin, berg, tech = demo["users"]["mt-admin"], demo["orgs"]["BERG"], demo["users"]["mt-tech"]
    billable_work_order(customer=berg, technician=tech, day=dt.date(2026, 3, 4))
    first = services.variable_run(user=admin, period="2026-03")
    billable_work_order(customer=berg, technician=tech, day=dt.date(2026, 3, 20), hours="1.00")
    second = services.variable_run(user=admin, period="2026-03")
    assert second.updated == first.created
    assert Invoice.objects.get(pk=first.created[0]).lines.count() == 6
