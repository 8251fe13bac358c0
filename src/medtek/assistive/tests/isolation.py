"""Objects of another tenant for the generated isolation tests (tests/test_isolation.py): each made for
organisation `org` with a centre of its own that serves only it."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

_SEQ = itertools.count(1)


def _centre(world: Any, org: Any) -> Any:
    from medtek.organizations.tests.factories import MtDepartmentFactory

    centre = MtDepartmentFactory(name=f"HMC for {org.name}")
    org.providers.add(centre)
    return centre


def _article(world: Any, org: Any) -> Any:
    from medtek.assistive.models import Article
    from medtek.inventory.tests.factories import DeviceModelFactory

    model = DeviceModelFactory(is_assistive=True, category="Rullator")
    return Article.objects.create(
        centre=_centre(world, org),
        device_model=model,
        name="Rullator",
        iso_code="12 06 06",
        monthly_rent="60.00",
        price="2500.00",
    )


def _prescription(world: Any, org: Any) -> Any:
    from medtek.assistive import identity
    from medtek.assistive.models import Patient, Prescriber, Prescription

    article = _article(world, org)
    n = next(_SEQ)
    number = f"19121212-{1000 + n}"
    patient = Patient.objects.create(
        identity_encrypted=identity.encrypt(number),
        identity_hash=identity.lookup_hash(f"{number}-{org.pk}-{n}"),
        identity_kind="personnummer",
        organisation=org,
    )
    prescriber = Prescriber.objects.create(organisation=org, name="Förskrivare", profession="ot")
    return Prescription.objects.create(
        number=f"FS-ISO-{org.pk}-{n}",
        prescriber=prescriber,
        organisation=org,
        patient=patient,
        article=article,
        need="Gånghjälpmedel",
        delivery_address="Gatan 1",
        prescribed_on=dt.date(2026, 1, 5),
    )


def _loan(world: Any, org: Any, *, returned: bool = False) -> Any:
    from medtek.assistive.models import Item, Loan
    from medtek.inventory.choices import DeviceStatus
    from medtek.inventory.tests.factories import DeviceFactory

    p = _prescription(world, org)
    device = DeviceFactory(owner=p.article.centre, model=p.article.device_model, status=DeviceStatus.ON_LOAN)
    item = Item.objects.create(device=device, article=p.article)
    loan = Loan.objects.create(
        prescription=p,
        item=item,
        patient=p.patient,
        organisation=org,
        dispensed_on=dt.date(2026, 1, 6),
        dispensed_by=world.superuser,
        delivered_to="Gatan 1",
    )
    if returned:
        from medtek.maintenance.models import WorkOrder

        wo = WorkOrder.objects.create(
            number=f"RK-ISO-{loan.pk}",
            kind="recond",
            status="accepted",
            device=device,
            customer=p.article.centre,
            title="Rekonditionering",
        )
        Loan.objects.filter(pk=loan.pk).update(returned_on=dt.date(2026, 2, 1), reconditioning=wo)
    return loan


FOREIGN = {
    "article_id": lambda w, o: int(_article(w, o).pk),
    "prescription_id": lambda w, o: int(_prescription(w, o).pk),
    "loan_id": lambda w, o: int(_loan(w, o).pk),
    "returned_loan_id": lambda w, o: int(_loan(w, o, returned=True).pk),
    "patient_id": lambda w, o: int(_prescription(w, o).patient_id),
}

# Bodies that would be accepted for the user's own objects, so a 404 means the object is hidden.
BODIES = {
    "PATCH /api/v1/assistive/articles/{article_id}": {"monthly_rent": "65.00"},
    "POST /api/v1/assistive/articles/{article_id}/items": {"asset_number": "ISO-HMC-1"},
    "POST /api/v1/assistive/loans/{loan_id}/reconditioning-decision": {"decision": "repair"},
}
