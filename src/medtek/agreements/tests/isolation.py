"""Foreign agreements and rate schedules for the generated isolation tests."""

import datetime as dt
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


def _notice(world: Any, org: Any) -> int:
    from medtek.agreements.models import ChangeNotice

    agreement = AgreementFactory(provider=_provider(world, org), customers=[org])
    return ChangeNotice.objects.create(
        agreement=agreement,
        from_party=org,
        to_party=agreement.provider,
        kind="closed_unit",
        description="x",
        recorded_by=world.admin,
    ).pk


def _evaluation(world: Any, org: Any) -> int:
    from medtek.agreements.models import Evaluation

    agreement = AgreementFactory(provider=_provider(world, org), customers=[org])
    return Evaluation.objects.create(
        agreement=agreement,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        started_by=world.admin,
        conclusions="x",
    ).pk


def _action(world: Any, org: Any) -> int:
    from medtek.agreements.models import Evaluation, EvaluationAction

    evaluation = Evaluation.objects.get(pk=_evaluation(world, org))
    return EvaluationAction.objects.create(
        evaluation=evaluation, description="x", owner_party=org, owner_name="x", due_on=dt.date(2026, 6, 1)
    ).pk


FOREIGN = {
    "agreement_id": _agreement,
    "rate_schedule_id": _rate_schedule,
    "notice_id": _notice,
    "evaluation_id": _evaluation,
    "action_id": _action,
}

BODIES = {
    "PATCH /api/v1/agreements/{agreement_id}": {"title": "x"},
    "POST /api/v1/agreements/{agreement_id}/advice-limit": {"advice_hours_limit": "10"},
    "POST /api/v1/agreements/{agreement_id}/evaluations": {"year": 2026},
    "PATCH /api/v1/agreements/evaluations/{evaluation_id}": {"conclusions": "x"},
    "POST /api/v1/agreements/evaluations/{evaluation_id}/actions": {
        "description": "x",
        "owner_party_id": 1,
        "owner_name": "x",
        "due_on": "2026-06-01",
    },
    "POST /api/v1/agreements/evaluations/{evaluation_id}/actions/{action_id}/done": {},
    "POST /api/v1/agreements/evaluations/{evaluation_id}/report": {"arenas": ["local", "county"]},
    "POST /api/v1/agreements/{agreement_id}/contacts": {
        "organisation_id": 1,
        "role": "mas",
        "name": "x",
        "email": "x@example.se",
    },
    "POST /api/v1/agreements/{agreement_id}/change-notices": {"kind": "closed_unit", "description": "x"},
    "POST /api/v1/agreements/{agreement_id}/change-notices/{notice_id}/acknowledge": {"response": "x"},
    "PUT /api/v1/agreements/{agreement_id}/monitoring": {"external_supplier_id": 1, "device_ids": [1]},
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
