"""Foreign agreements and rate schedules for the generated isolation tests."""

from typing import Any

from medtek.agreements.tests.factories import AgreementFactory, RateScheduleFactory


def _provider(world: Any, org: Any) -> Any:
    return world.other_mt if org.pk == world.foreign.pk else world.mt


def _agreement(world: Any, org: Any) -> int:
    return AgreementFactory(provider=_provider(world, org), customers=[org]).pk


def _rate_schedule(world: Any, org: Any) -> int:
    # A schedule the organisation's own MT provider keeps, used by an agreement with the organisation.
    schedule = RateScheduleFactory(provider=_provider(world, org))
    AgreementFactory(provider=schedule.provider, rate_schedule=schedule, customers=[org])
    return schedule.pk


FOREIGN = {"agreement_id": _agreement, "rate_schedule_id": _rate_schedule}

BODIES = {
    "POST /api/v1/agreements/{agreement_id}/terminate": {
        "given_on": "2026-06-01",
        "decision_reference": "x",
        "forum": "y",
    },
    "PATCH /api/v1/agreements/rate-schedules/{rate_schedule_id}": {"rounding": "ore"},
    "POST /api/v1/agreements/rate-schedules/{rate_schedule_id}/index-figures": {
        "year": 2026,
        "change_percent": "3.0",
        "publication_reference": "x",
    },
}
