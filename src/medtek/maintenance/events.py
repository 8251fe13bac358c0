"""How maintenance events read in a history (registered with core in AppConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from medtek.core.events import describe, describe_many
from medtek.core.models import Event
from medtek.maintenance.choices import EventKind, ProtocolResult, WorkOrderStatus


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "—")


def _status_change(event: Event) -> list[tuple[str, str, str]]:
    data = event.data or {}
    return [
        (
            str(_("Work order status")),
            _label(WorkOrderStatus, data.get("before")),
            _label(WorkOrderStatus, data.get("after")),
        )
    ]


def _check_result(event: Event) -> list[tuple[str, str, str]]:
    data = event.data or {}
    rows = [(str(_("Result")), "", _label(ProtocolResult, data.get("result")))]
    if data.get("work_order"):
        rows.append((str(_("Work order")), "", str(data["work_order"])))
    return rows


def register() -> None:
    describe_many(
        {
            EventKind.PM_PLANNED: _("PM planned"),
            EventKind.PM_MODEL_SAVED: _("PM priority model saved"),
            EventKind.CM_MODEL_SAVED: _("CM priority model saved"),
            EventKind.PM_STATE_SET: _("PM interval set"),
            EventKind.PROTOCOL_SAVED: _("Check protocol saved"),
            EventKind.WO_CREATED: _("Work order created"),
            EventKind.WO_OPENED: _("Work order opened"),
            EventKind.WO_REPORTED: _("Work order reported"),
            EventKind.WO_TRIAGED: _("Work order prioritised"),
            EventKind.WO_ASSIGNED: _("Work order assigned"),
            EventKind.TIME_ADDED: _("Time recorded"),
            EventKind.TRAVEL_ADDED: _("Travel recorded"),
            EventKind.MATERIAL_ADDED: _("Material recorded"),
            EventKind.BLOCK_OVERRIDDEN: _("Block after a failed check overridden"),
            EventKind.WATCH_CONFIRMED: _("PM by the external maintainer confirmed"),
        }
    )
    describe(EventKind.WO_STATUS, _("Work order status changed"), details=_status_change)
    describe(EventKind.WO_DONE, _("Work order done"), details=_status_change)
    describe(EventKind.WO_CLOSED, _("Work order closed"), details=_status_change)
    describe(EventKind.QC_RECORDED, _("Quality control recorded"), details=_check_result)
