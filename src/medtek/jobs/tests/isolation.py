"""Objects of another tenant for the generated isolation tests (tests/test_isolation.py)."""

from __future__ import annotations

from typing import Any

from medtek.organizations.choices import Role
from medtek.organizations.tests.factories import user_with_role


def _job_id(world: Any, org: Any) -> int:
    from medtek.jobs.models import Job

    starter = user_with_role(org, Role.MT_ADMIN, username=f"job-starter-{org.pk}")
    job = Job.objects.create(
        organisation=org, started_by=starter, kind="inventory.import", state="done", title="theirs.csv"
    )
    return int(job.pk)


FOREIGN = {"job_id": _job_id}
