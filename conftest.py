"""Shared fixtures: a small world of two MT departments and their customers, and the demo data."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest


@dataclass
class World:
    mt: Any
    other_mt: Any
    berg: Any
    ostersund: Any
    foreign: Any
    admin: Any
    tech: Any
    auditor: Any
    berg_contact: Any
    ostersund_contact: Any
    foreign_admin: Any


@pytest.fixture
def world(db: Any) -> World:
    """MT serving Berg and Östersund; another MT serving a foreign municipality; a user per role."""
    from medtek.organizations.choices import Role
    from medtek.organizations.tests.factories import MtDepartmentFactory, MunicipalityFactory, user_with_role

    mt = MtDepartmentFactory(name="MT Test")
    other_mt = MtDepartmentFactory(name="MT Elsewhere")
    berg = MunicipalityFactory(name="Bergs kommun", municipality_code="2326", served_by=[mt])
    ostersund = MunicipalityFactory(name="Östersunds kommun", municipality_code="2380", served_by=[mt])
    foreign = MunicipalityFactory(name="Halmstads kommun", municipality_code="1380", served_by=[other_mt])
    return World(
        mt=mt,
        other_mt=other_mt,
        berg=berg,
        ostersund=ostersund,
        foreign=foreign,
        admin=user_with_role(mt, Role.MT_ADMIN, username="admin"),
        tech=user_with_role(mt, Role.MT_TECHNICIAN, username="tech"),
        auditor=user_with_role(mt, Role.AUDITOR, username="audit"),
        berg_contact=user_with_role(berg, Role.CUSTOMER_CONTACT, username="bergc"),
        ostersund_contact=user_with_role(ostersund, Role.CUSTOMER_CONTACT, username="ostc"),
        foreign_admin=user_with_role(other_mt, Role.MT_ADMIN, username="foreignadmin"),
    )


@pytest.fixture
def demo(db: Any) -> dict[str, Any]:
    """The full demo data (as `medtek demo-data` loads it), inside the test's transaction.

    The first test in a process loads it through the services (about 1,800 queries); the rows it wrote
    are kept, and every later test gets the same rows written back in one insert per table, with the
    event log's chain recomputed by its triggers as on any insert. `MEDTEK_TEST_DEMO=load` loads it
    through the services in every test instead.
    """
    import importlib

    from tests.demo_snapshot import DemoSnapshot

    global _DEMO_SNAPSHOT
    if _DEMO_SNAPSHOT is not None and os.environ.get("MEDTEK_TEST_DEMO") != "load":
        return _DEMO_SNAPSHOT.replay()
    module = importlib.import_module("medtek.reports.management.commands.demo-data")
    before = DemoSnapshot.tables_now()
    ctx: dict[str, Any] = module.load_demo()
    _DEMO_SNAPSHOT = DemoSnapshot.taken(before, ctx)
    return ctx


_DEMO_SNAPSHOT: Any = None


@pytest.fixture
def event_log_flushable(transactional_db: Any) -> Any:
    """Let the flush after a transactional test empty the append-only event log on PostgreSQL.

    The log's triggers refuse TRUNCATE, which is how Django empties the database after a test that
    commits. Just before that flush this switches the session to the replica role, under which
    ordinary triggers do not fire (needs a superuser, as the test database's owner here is); Django
    closes the connection after the flush, so the next test starts with the triggers in force.
    """
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """Every test starts and ends in the default language (Swedish), whatever a test before it chose."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
