"""Demo data: Region Halland's agreement with the aid organisation Human Bridge (RS130364).

The routine: "Region Halland har avtal med biståndsorganisationen Human Bridge (RS130364). [...]
Kontaktperson för Human Bridge från Region Hallands sida är verksamhetschef vid MTH." The demo's MTH head
of department is the `mth` user. No surplus case is pre-created: a new user registers one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from medtek.decommissioning.models import AidAgreement

HUMAN_BRIDGE_REFERENCE = "RS130364"


def load(ctx: dict[str, Any]) -> None:
    orgs = ctx["orgs"]
    agreement, _ = AidAgreement.objects.get_or_create(
        region=orgs["RH"],
        reference=HUMAN_BRIDGE_REFERENCE,
        defaults={
            "aid_organisation": orgs["HUMAN-BRIDGE"],
            # The routine rests on the regional board's decision of 2013-11-06, §259.
            "valid_from": dt.date(2013, 11, 6),
            "contact": ctx["users"]["mth"],
            "notes": "Human Bridge har nödvändig omvärldskunskap om var behoven finns, gör teknisk och "
            "funktionell bedömning och gör uppföljningar. Kontaktperson: verksamhetschef vid MTH.",
        },
    )
    ctx.setdefault("aid_agreements", {})[HUMAN_BRIDGE_REFERENCE] = agreement
