"""The organisation graph: what an organisation is part of and which department serves it."""

from __future__ import annotations

import pytest

from medtek.organizations import graph
from medtek.organizations.choices import OrganisationKind, Role
from medtek.organizations.rules import Cap
from medtek.organizations.tests.factories import (
    MtDepartmentFactory,
    OrganisationFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def test_a_clinic_is_part_of_its_hospital_and_region_nearest_first() -> None:
    region = OrganisationFactory(name="Region Halland", kind=OrganisationKind.REGION)
    hospital = OrganisationFactory(name="Hallands sjukhus", parent=region)
    clinic = OrganisationFactory(name="Ortopedkliniken", parent=hospital)

    assert [o.name for o in graph.ancestors(clinic)] == [
        "Ortopedkliniken",
        "Hallands sjukhus",
        "Region Halland",
    ]
    assert graph.region_of(clinic) == region
    assert graph.ancestor_ids(clinic) == {clinic.pk, hospital.pk, region.pk}


def test_the_serving_department_is_found_through_what_the_organisation_is_part_of() -> None:
    region = OrganisationFactory(kind=OrganisationKind.REGION)
    clinic = OrganisationFactory(parent=region)
    mth = MtDepartmentFactory(name="MTH")
    hmc = MtDepartmentFactory(name="HMC")
    user_with_role(mth, Role.MT_ADMIN)
    user_with_role(hmc, Role.HMC_STAFF)
    region.providers.add(mth, hmc)

    assert graph.serving_department(clinic, assistive_only=False) == mth
    assert graph.serving_department(clinic, assistive_only=True) == hmc


def test_an_organisation_nobody_serves_has_no_serving_department() -> None:
    assert graph.serving_department(OrganisationFactory(), assistive_only=False) is None


def test_only_members_in_a_deciding_role_decide_for_the_department() -> None:
    mth = MtDepartmentFactory()
    admin = user_with_role(mth, Role.MT_ADMIN)
    other = user_with_role(OrganisationFactory(), Role.MT_ADMIN)

    assert graph.holds_capability_in(admin, {mth.pk}, Cap.SURPLUS_DECIDE)
    assert not graph.holds_capability_in(other, {mth.pk}, Cap.SURPLUS_DECIDE)
    assert graph.is_mt_person(admin)
