"""Notifications caused by events: subscribed to the event log, written in the event's transaction."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from medtek.billing.choices import EventKind as BillingEvent
from medtek.billing.models import Invoice
from medtek.core.events import on_event
from medtek.core.models import Event
from medtek.decommissioning.models import SurplusItem
from medtek.maintenance.choices import EventKind as WorkEvent
from medtek.maintenance.models import WorkOrder
from medtek.notifications import rules
from medtek.notifications.choices import Kind
from medtek.notifications.recipients import customer_contacts, members
from medtek.notifications.services import absolute_url, notify
from medtek.organizations.choices import Role
from medtek.organizations.rules import Cap

SURPLUS_DECIDED = "decommissioning.decided"


def subscribe() -> None:
    on_event("workorder.", on_work_order)
    on_event(BillingEvent.ISSUED, on_invoice_issued)
    on_event(SURPLUS_DECIDED, on_surplus_decided)


def _when(value: dt.datetime | None) -> str:
    return formats.date_format(value, "SHORT_DATETIME_FORMAT") if value else "—"


def on_work_order(event: Event) -> None:
    if event.subject_type != "maintenance.workorder":
        return
    wo = (
        WorkOrder.objects.select_related("priority", "assigned_to", "reported_by", "device")
        .filter(pk=event.subject_id)
        .first()
    )
    if wo is None:
        return
    path = reverse("maintenance:work_order_detail", args=[wo.pk])
    common = {"obj": wo, "path": path, "capability": Cap.VIEW}
    reporter = [wo.reported_by] if wo.reported_by is not None else []
    if event.kind == WorkEvent.WO_REPORTED:
        notify(
            kind=Kind.FAULT_RECEIVED,
            recipients=reporter,
            cause_key=f"wo:{wo.pk}:received",
            compose=lambda: (
                _("Received: %(number)s %(title)s") % {"number": wo.number, "title": wo.title},
                [_("MT has received your report and will prioritise it.")],
            ),
            **common,
        )
    if event.kind == WorkEvent.WO_TRIAGED and wo.priority is not None:
        level = wo.priority
        notify(
            kind=Kind.FAULT_PRIORITISED,
            recipients=reporter,
            cause_key=f"wo:{wo.pk}:prioritised:{level.code}",
            compose=lambda: (
                _("Prioritised %(priority)s: %(number)s %(title)s")
                % {"priority": level.code, "number": wo.number, "title": wo.title},
                [
                    _("Priority: %(priority)s") % {"priority": str(level)},
                    _("Response by: %(when)s") % {"when": _when(wo.response_due_at)},
                    _("Resolved by: %(when)s") % {"when": _when(wo.resolution_due_at)},
                ],
            ),
            **common,
        )
    if event.kind in (WorkEvent.WO_TRIAGED, WorkEvent.WO_ASSIGNED) and wo.assigned_to is not None:
        urgent = wo.priority is not None and wo.priority.rank in rules.URGENT_RANKS
        code = wo.priority.code if wo.priority is not None else "—"
        notify(
            kind=Kind.WO_ASSIGNED_URGENT if urgent else Kind.WO_ASSIGNED,
            recipients=[wo.assigned_to],
            cause_key=f"wo:{wo.pk}:assigned:{wo.assigned_to_id}",
            compose=lambda: (
                _("Assigned to you (%(priority)s): %(number)s %(title)s")
                % {"priority": code, "number": wo.number, "title": wo.title},
                [
                    str(wo.device) if wo.device is not None else "",
                    _("Resolved by: %(when)s") % {"when": _when(wo.resolution_due_at)},
                ],
            ),
            **common,
        )
    if event.kind == WorkEvent.WO_DONE:
        notify(
            kind=Kind.FAULT_DONE,
            recipients=reporter,
            cause_key=f"wo:{wo.pk}:done",
            compose=lambda: (
                _("Done: %(number)s %(title)s") % {"number": wo.number, "title": wo.title},
                [wo.resolution],
            ),
            **common,
        )


def on_invoice_issued(event: Event) -> None:
    invoice = Invoice.objects.select_related("customer").filter(pk=event.subject_id).first()
    if invoice is None or event.subject_type != "billing.invoice":
        return
    pdf = reverse("billing:invoice_pdf", args=[invoice.pk])
    recipients = list(customer_contacts([invoice.customer_id])) + list(members(roles=[Role.FINANCE]))
    notify(
        kind=Kind.INVOICE_ISSUED,
        recipients=recipients,
        cause_key=f"invoice:{invoice.pk}:issued",
        obj=invoice,
        capability=Cap.BILLING_VIEW,
        path=reverse("billing:invoice_detail", args=[invoice.pk]),
        compose=lambda: (
            _("Invoice %(number)s issued to %(customer)s")
            % {"number": invoice.number, "customer": invoice.customer.name},
            [
                _("Period: %(start)s – %(end)s") % {"start": invoice.period_start, "end": invoice.period_end},
                _("PDF: %(url)s") % {"url": absolute_url(pdf)},
            ],
        ),
    )


def on_surplus_decided(event: Event) -> None:
    item = (
        SurplusItem.objects.select_related("case", "case__registered_by").filter(pk=event.subject_id).first()
    )
    if item is None or event.subject_type != "decommissioning.surplusitem":
        return
    case = item.case
    recipients = [case.registered_by, *customer_contacts([case.organisation_id])]
    notify(
        kind=Kind.SURPLUS_DECIDED,
        recipients=recipients,
        cause_key=f"surplus:{item.pk}:decided:{event.pk}",
        obj=item,
        capability=Cap.VIEW,
        path=reverse("decommissioning:item_detail", args=[item.pk]),
        compose=lambda: (
            _("Decision on surplus: %(item)s") % {"item": str(item)},
            [_("Decision: %(decision)s") % {"decision": item.get_disposition_display()}],
        ),
    )
