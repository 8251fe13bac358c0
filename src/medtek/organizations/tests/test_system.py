"""The one system actor that commands and scheduled jobs run as."""

from __future__ import annotations

import pytest

from medtek.core.events import record_event
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import scope_for
from medtek.organizations.system import system_actor
from medtek.organizations.tests.factories import OrganisationFactory


def test_the_system_actor_reaches_every_organisation():
    scope = scope_for(system_actor())
    assert scope.is_superuser
    assert scope.can(Cap.WORK_MANAGE, 12345)


@pytest.mark.django_db
def test_an_event_written_by_the_system_actor_has_no_actor():
    event = record_event(kind="test.system", subject=OrganisationFactory(), actor=system_actor())
    assert event.actor_id is None
