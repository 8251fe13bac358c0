from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_messages() -> Iterator[None]:
    """Services and rules speak English here, so tests assert the messages as written in the code."""
    with translation.override("en"):
        yield


@dataclass
class Hmc:
    region: Any
    centre: Any
    mth: Any
    town: Any
    other_town: Any
    hmc: Any
    mth_admin: Any
    prescriber_user: Any
    other_prescriber_user: Any
    town_contact: Any
    prescriber: Any
    other_prescriber: Any
    lift: Any
    ventilator: Any
    items: list[Any]
    protocol: Any


VALID = "19121212-1212"
OTHER_VALID = "20000101-0008"


@pytest.fixture
def hmc_world(db: Any) -> Hmc:
    """A region with MTH and HMC, two municipalities HMC serves, a prescriber in each, a patient-lift
    article with three items, and a ventilator of the region's."""
    from medtek.assistive import services
    from medtek.assistive.choices import Profession
    from medtek.assistive.models import Prescriber
    from medtek.inventory.tests.factories import DeviceModelFactory, registered_device
    from medtek.maintenance.choices import ItemKind
    from medtek.maintenance.services import protocol_template_create
    from medtek.organizations.choices import OrganisationKind, Role
    from medtek.organizations.tests.factories import (
        MtDepartmentFactory,
        MunicipalityFactory,
        OrganisationFactory,
        user_with_role,
    )

    region = OrganisationFactory(name="Region Halland", kind=OrganisationKind.REGION)
    mth = MtDepartmentFactory(name="MTH", parent=region)
    centre = MtDepartmentFactory(name="HMC", parent=region)
    region.providers.add(mth, centre)
    town = MunicipalityFactory(name="Halmstads kommun", municipality_code="1380", served_by=[centre])
    other_town = MunicipalityFactory(name="Varbergs kommun", municipality_code="1383", served_by=[centre])
    hmc = user_with_role(centre, Role.HMC_STAFF, username="hmc-t")
    mth_admin = user_with_role(mth, Role.MT_ADMIN, username="mth-t")
    prescriber_user = user_with_role(town, Role.PRESCRIBER, username="ot-t")
    other_prescriber_user = user_with_role(other_town, Role.PRESCRIBER, username="pt-t")
    town_contact = user_with_role(town, Role.CUSTOMER_CONTACT, username="mas-t")
    prescriber = Prescriber.objects.create(
        organisation=town,
        user=prescriber_user,
        name="Ida Arbetsterapeut",
        profession=Profession.OCCUPATIONAL_THERAPIST,
    )
    other_prescriber = Prescriber.objects.create(
        organisation=other_town,
        user=other_prescriber_user,
        name="Olle Fysioterapeut",
        profession=Profession.PHYSIOTHERAPIST,
    )
    lift_model = DeviceModelFactory(name="Maxi Move T", category="Personlyft", is_assistive=True)
    vent_model = DeviceModelFactory(name="Hamilton T", category="Ventilator")
    protocol = protocol_template_create(
        user=mth_admin,
        code="REKOND-T",
        name="Rekonditionering personlyft",
        items=[
            {"kind": ItemKind.CHECK, "label": "Rengöring och desinfektion"},
            {"kind": ItemKind.CHECK, "label": "Funktionskontroll"},
        ],
        device_models=[lift_model],
        reconditioning=True,
    )
    lift = services.article_save(
        user=hmc,
        centre=centre,
        device_model=lift_model,
        name="Personlyft, mobil",
        iso_code="12 36 03",
        monthly_rent="450.00",
        price="56000",
        needs_fitting=True,
        fitting_fee="300",
    )
    items = [services.item_add(user=hmc, article=lift, asset_number=f"HMC-T{i}") for i in range(3)]
    ventilator = registered_device(mth_admin, model=vent_model, owner=region, asset_number="MTH-VENT-1")
    return Hmc(
        region=region,
        centre=centre,
        mth=mth,
        town=town,
        other_town=other_town,
        hmc=hmc,
        mth_admin=mth_admin,
        prescriber_user=prescriber_user,
        other_prescriber_user=other_prescriber_user,
        town_contact=town_contact,
        prescriber=prescriber,
        other_prescriber=other_prescriber,
        lift=lift,
        ventilator=ventilator,
        items=items,
        protocol=protocol,
    )
