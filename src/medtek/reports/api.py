"""API of the reports: the agreement's follow-up (mounted under /api/v1/billing/, where it has always
been; `router`, under /api/v1/reports/, holds the reports' own paths as they come)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from medtek.core.api import ErrorOut
from medtek.reports.followup import followup as followup_report
from medtek.reports.schemas import FollowupOut, FollowupQuery

router = Router(tags=["reports"])
billing_router = Router(tags=["billing"])


@billing_router.get(
    "/followup",
    response={200: FollowupOut, 404: ErrorOut, 422: ErrorOut},
    operation_id="medtek_billing_api_followup",  # the operation's id from before it moved here
)
def followup(request: HttpRequest, query: Query[FollowupQuery]) -> Any:
    """Per customer and year: devices, PM done (on time), CM work, hours, travel, materials, amounts."""
    report = followup_report(user=request.user, agreement_id=query.agreement_id, year=query.year)
    return {
        "agreement_id": report["agreement"].pk,
        "year": query.year,
        "count_day": report["count_day"],
        "rows": [
            {
                **{k: v for k, v in r.items() if k != "customer"},
                "customer_id": r["customer"].pk,
                "customer": r["customer"].name,
            }
            for r in report["rows"]
        ],
    }
