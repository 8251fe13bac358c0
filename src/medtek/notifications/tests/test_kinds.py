"""What is sent, to whom: each kind from its cause, on the demo data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from medtek.agreements.models import Agreement
from medtek.inventory.models import Device
from medtek.maintenance import services as work
from medtek.notifications import checks
from medtek.notifications.choices import Kind, Mode, State
from medtek.notifications.models import Notification
from medtek.notifications.services import preferences_set

pytestmark = pytest.mark.django_db


def report(demo, title="Pump alarms"):
    berg = demo["users"]["berg"]
    device = Device.objects.visible_to(berg, "work.report").order_by("pk").first()
    return work.work_order_report(user=berg, kind="cm", title=title, device=device)


def of(user, kind, obj=None):
    qs = Notification.objects.filter(recipient=user, kind=kind)
    return list(qs.filter(object_id=obj.pk) if obj is not None else qs)


def test_the_reporter_is_told_the_fault_was_received(demo):
    wo = report(demo)
    (n,) = of(demo["users"]["berg"], Kind.FAULT_RECEIVED, wo)
    assert n.subject == f"Mottaget: {wo.number} Pump alarms"
    assert n.url == f"http://127.0.0.1:8000/maintenance/{wo.pk}/"
    assert n.state == State.PENDING


def test_p1_assigned_reaches_the_technician_at_once_and_the_reporter_gets_the_targets(demo):
    wo = report(demo)
    admin, tech = demo["users"]["mt-admin"], demo["users"]["mt-tech"]
    wo = work.work_order_triage(user=admin, work_order=wo, priority="P1", assigned_to=tech)
    (n,) = of(tech, Kind.WO_ASSIGNED_URGENT, wo)
    assert n.state == State.PENDING and n.mode == Mode.EMAIL
    assert n.subject.startswith("Tilldelad dig (P1): ")
    (p,) = of(demo["users"]["berg"], Kind.FAULT_PRIORITISED, wo)
    assert "Inställelse senast" in p.body_text


def test_assigning_again_does_not_notify_twice(demo):
    wo = report(demo)
    admin, tech = demo["users"]["mt-admin"], demo["users"]["mt-tech"]
    work.work_order_triage(user=admin, work_order=wo, priority="P1", assigned_to=tech)
    work.work_order_assign(user=admin, work_order=wo, assigned_to=tech)
    assert len(of(tech, Kind.WO_ASSIGNED_URGENT, wo)) == 1


def test_a_p3_assignment_waits_for_the_daily_digest(demo):
    wo = report(demo)
    admin, tech = demo["users"]["mt-admin"], demo["users"]["mt-tech"]
    work.work_order_triage(user=admin, work_order=wo, priority="P3", assigned_to=tech)
    (n,) = of(tech, Kind.WO_ASSIGNED, wo)
    assert n.state == State.IN_DIGEST
    from medtek.notifications.services import digest_build

    assert digest_build(force=True) >= 1
    n.refresh_from_db()
    assert n.state == State.DIGESTED
    assert n.digest is not None and n.digest.state == State.PENDING


def test_a_user_who_chose_the_app_only_gets_no_mail(demo):
    berg = demo["users"]["berg"]
    preferences_set(user=berg, modes={Kind.FAULT_RECEIVED: Mode.APP})
    wo = report(demo)
    (n,) = of(berg, Kind.FAULT_RECEIVED, wo)
    assert n.state == State.APP_ONLY


def test_english_users_get_english_mail(demo):
    berg = demo["users"]["berg"]
    preferences_set(user=berg, modes={}, language="en")
    wo = report(demo)
    (n,) = of(berg, Kind.FAULT_RECEIVED, wo)
    assert n.subject == f"Received: {wo.number} Pump alarms"


def test_a_notification_rolls_back_with_its_event(demo):
    with pytest.raises(RuntimeError), transaction.atomic():
        report(demo, title="Rolled back")
        raise RuntimeError
    assert not Notification.objects.filter(subject__contains="Rolled back").exists()


def test_one_query_finds_at_risk_and_breached_targets(demo, django_assert_num_queries):
    admin = demo["users"]["mt-admin"]
    wo = work.work_order_triage(user=admin, work_order=report(demo), priority="P1")
    reported = wo.reported_at
    at_75 = reported + (wo.response_due_at - reported) * 0.8
    with django_assert_num_queries(1):
        rows = checks.sla_targets_at_risk(at_75)
    assert [(r["number"], r["target"], r["breached"]) for r in rows] == [(wo.number, "response", False)]
    later = wo.resolution_due_at + dt.timedelta(minutes=1)
    rows = checks.sla_targets_at_risk(later)
    assert {(r["target"], r["breached"]) for r in rows if r["pk"] == wo.pk} == {
        ("response", True),
        ("resolution", True),
    }


def test_mt_admin_is_told_of_a_breach_once(demo):
    admin = demo["users"]["mt-admin"]
    wo = work.work_order_triage(user=admin, work_order=report(demo), priority="P1")
    later = wo.resolution_due_at + dt.timedelta(minutes=1)
    checks.check_sla(now=later)
    checks.check_sla(now=later)
    subjects = [n.subject for n in of(admin, Kind.SLA_BREACHED) if n.object_id == wo.pk]
    assert sorted(subjects) == sorted(
        [
            f"Överskridet mål för inställelsetid: {wo.number} Pump alarms",
            f"Överskridet mål för åtgärdstid: {wo.number} Pump alarms",
        ]
    )


def test_the_target_check_reads_a_fixed_number_of_queries_however_many_targets(
    demo, django_assert_max_num_queries
):
    admin = demo["users"]["mt-admin"]
    orders = [
        work.work_order_triage(user=admin, work_order=report(demo, f"Fault {i}"), priority="P1")
        for i in range(6)
    ]
    later = max(wo.resolution_due_at for wo in orders) + dt.timedelta(minutes=1)
    with django_assert_max_num_queries(20):
        written = checks.check_sla(now=later)
    assert written >= 12  # response and resolution breached for each of the six, to every MT admin
    with django_assert_max_num_queries(10):
        assert checks.check_sla(now=later) == 0


def test_both_parties_are_reminded_of_the_notice_deadline_30_days_ahead(demo):
    agreement = Agreement.objects.get(reference="RJH-MT-2026")
    deadline = agreement.notice_deadline_on(timezone.localdate())
    today = deadline - dt.timedelta(days=30)
    assert checks.check_notice_deadlines(today=today) > 0
    assert checks.check_notice_deadlines(today=today) == 0
    for username in ("mt-admin", "berg"):
        (n,) = of(demo["users"][username], Kind.NOTICE_DEADLINE, agreement)
        assert n.subject == f"Uppsägningsfrist {deadline.isoformat()}: {agreement.title}"
    assert of(demo["users"]["mt-tech"], Kind.NOTICE_DEADLINE) == []


def test_an_issued_invoice_reaches_the_customer_and_finance_with_its_pdf(demo):
    from medtek.billing import services as billing
    from medtek.billing.models import Invoice

    admin = demo["users"]["mt-admin"]
    billing.fixed_run(user=admin, period="2025H2")
    invoice = billing.invoice_issue(
        user=admin, invoice=Invoice.objects.get(period="2025H2", customer__short_code="BERG")
    )
    for username in ("berg", "finance"):
        (n,) = of(demo["users"][username], Kind.INVOICE_ISSUED, invoice)
        assert n.subject == f"Faktura {invoice.number} utfärdad till Bergs kommun"
        assert f"PDF: http://127.0.0.1:8000/billing/invoices/{invoice.pk}/invoice.pdf" in n.body_text
    assert of(demo["users"]["ostersund"], Kind.INVOICE_ISSUED, invoice) == []


def test_the_unit_that_registered_surplus_is_told_the_decision(demo):
    from medtek.decommissioning import services as surplus

    unit, mth = demo["users"]["halland-unit"], demo["users"]["mth"]
    beds = Device.objects.filter(owner=demo["orgs"]["RH"], model__name="Enterprise 9000")
    bed = beds.order_by("pk").first()
    case = surplus.surplus_case_register(user=unit, reason="no_longer_needed", devices=[bed.pk])
    item = case.items.get()
    surplus.surplus_item_decide(
        user=mth, item=item, disposition="donate", recipient=demo["orgs"]["HUMAN-BRIDGE"]
    )
    (n,) = of(unit, Kind.SURPLUS_DECIDED, item)
    assert n.body_text.splitlines()[2] == "Beslut: Skänk till bistånd"


def test_mt_admin_is_reminded_of_a_missing_vpi_figure_in_december_only(demo):
    admin = demo["users"]["mt-admin"]
    assert checks.check_index_figure(today=dt.date(2026, 11, 30)) == 0
    assert checks.check_index_figure(today=dt.date(2026, 12, 1)) == 1
    assert checks.check_index_figure(today=dt.date(2026, 12, 2)) == 0  # same week
    (n,) = of(admin, Kind.INDEX_MISSING)
    assert n.subject == "VPI för 2027 saknas: Timersättning MT"


def test_overdue_pm_is_summed_per_customer_once_a_week(demo):
    from medtek.maintenance.models import DevicePMState

    admin = demo["users"]["mt-admin"]
    today = timezone.localdate()
    overdue = DevicePMState.objects.filter(next_due__lt=today, device__owner__short_code="BERG").count()
    assert checks.check_pm_overdue(today=today) >= 1
    assert checks.check_pm_overdue(today=today) == 0
    (n,) = of(admin, Kind.PM_OVERDUE)
    assert overdue > 0
    assert f"Bergs kommun: {overdue} utrustningar" in n.body_text.splitlines()


def test_no_digest_is_sent_in_the_quiet_hours(demo, settings):
    from medtek.notifications.services import digest_build

    settings.MEDTEK_NOTIFY_QUIET_HOURS = "22-7"
    wo = report(demo)
    admin, tech = demo["users"]["mt-admin"], demo["users"]["mt-tech"]
    work.work_order_triage(user=admin, work_order=wo, priority="P3", assigned_to=tech)
    night = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(23, 30)))
    assert digest_build(now=night) == 0
    (n,) = of(tech, Kind.WO_ASSIGNED, wo)
    assert n.state == State.IN_DIGEST
