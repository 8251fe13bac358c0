"""A monitoring-only agreement (equipment MT lacks competence for) is billed by no run.

The agreement's economic terms (fixed and variable part, Bilaga 1) are those of the MT-support agreement;
equipment MT cannot maintain is under separate agreements where MT only watches maintenance need,
placement and traceability.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from medtek.agreements import services as agreement_services
from medtek.billing import rules, services
from medtek.billing.models import Invoice
from medtek.billing.tests.helpers import billable_work_order

pytestmark = pytest.mark.django_db

# 126,112.90 kr by Table 1's counts (of 923), largest remainder to the öre.
SOURCE_AMOUNTS = {
    "Bergs kommun": Decimal("6831.69"),
    "Bräcke kommun": Decimal("8198.02"),
    "Härjedalens kommun": Decimal("13116.83"),
    "Krokoms kommun": Decimal("12297.03"),
    "Ragunda kommun": Decimal("5601.98"),
    "Strömsunds kommun": Decimal("20768.32"),
    "Åre kommun": Decimal("7241.59"),
    "Östersunds kommun": Decimal("52057.44"),
}


def _monitoring(demo, *, valid_from=dt.date(2025, 1, 1), valid_until=dt.date(2027, 12, 31)):
    orgs = demo["orgs"]
    return agreement_services.agreement_create(
        user=demo["users"]["mt-admin"],
        provider=orgs["MT"],
        seller=orgs["RJH"],
        reference="RJH-MT-BEV-BERG",
        title="Bevakning av utrustning där MT saknar kompetens, Berg",
        valid_from=valid_from,
        valid_until=valid_until,
        customers=[(orgs["BERG"], "MAS Berg")],
        rate_schedule=demo["rate_schedule"],
        kind="monitoring",
    )


def test_only_mt_support_agreements_are_billed():
    assert rules.is_billed("mt_support")
    assert not rules.is_billed("monitoring")


def test_the_2025h2_run_with_a_monitoring_agreement_still_gives_the_source_and_nothing_more(demo):
    _monitoring(demo)
    result = services.fixed_run(user=demo["users"]["mt-admin"], period="2025H2")
    assert [b.agreement.reference for b in result.bases] == ["RJH-MT-2024"]
    invoices = Invoice.objects.filter(period="2025H2", part="fixed")
    assert {i.customer.name: i.net_total for i in invoices} == SOURCE_AMOUNTS
    assert sum(i.net_total for i in invoices) == Decimal("126112.90")


def test_bill_fixed_2026h2_gives_berg_no_extra_fixed_part_for_a_monitoring_agreement(demo):
    _monitoring(demo)
    call_command("bill", "fixed", "2026H2", stdout=io.StringIO())
    berg = Invoice.objects.filter(period="2026H2", part="fixed", customer__short_code="BERG")
    assert [i.agreement.reference for i in berg] == ["RJH-MT-2026"]
    assert not Invoice.objects.filter(agreement__reference="RJH-MT-BEV-BERG").exists()


def test_a_fixed_run_of_a_monitoring_agreement_by_name_is_refused_with_the_reason(demo):
    agreement = _monitoring(demo)
    with pytest.raises(ValidationError) as exc:
        services.fixed_run(user=demo["users"]["mt-admin"], period="2026H2", agreement=agreement)
    assert exc.value.message_dict["agreement"] == [
        "RJH-MT-BEV-BERG är en överenskommelse om enbart bevakning (utrustning där MT saknar kompetens): "
        "den fasta och den rörliga delen faktureras bara enligt överenskommelser om MT-stöd."
    ]
    assert not Invoice.objects.exists()


def test_a_variable_run_of_a_monitoring_agreement_by_name_is_refused(demo):
    agreement = _monitoring(demo)
    billable_work_order(
        customer=demo["orgs"]["BERG"], technician=demo["users"]["mt-tech"], day=dt.date(2026, 3, 4)
    )
    with pytest.raises(ValidationError) as exc:
        services.variable_run(user=demo["users"]["mt-admin"], period="2026-03", agreement=agreement)
    assert "RJH-MT-BEV-BERG" in exc.value.message_dict["agreement"][0]
    assert not Invoice.objects.exists()


def test_the_basis_of_a_monitoring_agreement_says_it_has_no_fixed_part(demo):
    agreement = _monitoring(demo)
    client = Client()
    client.force_login(demo["users"]["mt-admin"])
    response = client.get(f"/api/v1/billing/basis?agreement_id={agreement.pk}&period=2026H2")
    assert response.status_code == 422
    assert "RJH-MT-BEV-BERG" in response.json()["errors"]["period"][0]
