"""Factories for organisations, locations and users with a role."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model
from stdnum import luhn

from medtek.organizations.choices import LocationKind, OrganisationKind, Role
from medtek.organizations.models import Location, Membership, Organisation


def valid_orgnr(n: int) -> str:
    base = f"55{n:07d}"
    digits = base + luhn.calc_check_digit(base)
    return f"{digits[:6]}-{digits[6:]}"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.SUPPLIER
    short_code = factory.Sequence(lambda n: f"ORG{n}")
    org_number = factory.Sequence(valid_orgnr)


class MtDepartmentFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"MT department {n}")
    kind = OrganisationKind.MT_DEPARTMENT
    org_number = ""


class MunicipalityFactory(OrganisationFactory):
    class Meta:
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Kommun {n}")
    kind = OrganisationKind.MUNICIPALITY
    municipality_code = factory.Sequence(lambda n: f"23{n % 100:02d}")

    @factory.post_generation
    def served_by(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.providers.add(*extracted)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    organisation = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Vårdenhet {n}")
    code = factory.Sequence(lambda n: f"U{n}")
    kind = LocationKind.CARE_UNIT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "demo")

    @factory.post_generation
    def save_password(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.save()


def user_with_role(organisation: Organisation, role: str = Role.MT_ADMIN, **kwargs: Any) -> Any:
    """A user holding `role` in `organisation`."""
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user
