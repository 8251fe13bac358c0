"""`medtek bill assistive 2026-03`: rent per started month to the prescriber's organisation."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from medtek.agreements.choices import AgreementKind
from medtek.agreements.services import agreement_create
from medtek.assistive import services
from medtek.assistive.models import Loan
from medtek.assistive.tests.conftest import OTHER_VALID, VALID
from medtek.billing.choices import BillingPart
from medtek.billing.models import BillingRun, Invoice
from medtek.organizations.system import system_actor


@pytest.fixture
def billed_world(hmc_world):
    w = hmc_world
    agreement_create(
        user=system_actor(),
        provider=w.centre,
        seller=w.region,
        reference="HMC-2026",
        title="Hjälpmedelsavtal",
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2027, 12, 31),
        customers=[(w.town, "Rehab Halmstad"), (w.other_town, "Rehab Varberg")],
        kind=AgreementKind.ASSISTIVE,
    )
    w.items = [
        services.item_add(
            user=w.hmc, article=w.lift, asset_number=f"HMC-B{i}", registered_on=dt.date(2026, 1, 2)
        )
        for i in range(2)
    ]
    for i, identity in enumerate([VALID, OTHER_VALID]):
        p = services.prescription_create(
            user=w.prescriber_user,
            patient_identity=identity,
            article=w.lift,
            need="Förflyttning",
            delivery_address="Storgatan 1",
            prescribed_on=dt.date(2026, 2, 20),
        )
        loan = services.loan_dispense(
            user=w.hmc, prescription=p, item=w.items[i].device, dispensed_on=dt.date(2026, 2, 25 + i)
        )
        if i == 0:
            services.loan_fit(user=w.hmc, loan=loan, fitted=True, fitted_on=dt.date(2026, 3, 2))
    # The second item came back in February: nothing to bill in March.
    Loan.objects.filter(item=w.items[1]).update(returned_on=dt.date(2026, 2, 28))
    return w


def run(period="2026-03"):
    out = StringIO()
    call_command("bill", "assistive", period, stdout=out)
    return out.getvalue()


def test_a_month_bills_rent_per_started_month_and_the_fitting_fee(billed_world):
    assert run().strip().endswith("assistive 2026-03: 1 drafted, 0 updated, 0 unchanged.")
    inv = Invoice.objects.get(part=BillingPart.ASSISTIVE)
    assert inv.customer == billed_world.town
    assert [(line.kind, line.amount) for line in inv.lines.all()] == [
        ("rent", Decimal("450.00")),
        ("fee", Decimal("300.00")),
    ]
    assert inv.net_total == Decimal("750.00")
    text = " ".join(line.description for line in inv.lines.all())
    assert "HMC-B0" in text and "2026-02-25" in text
    assert VALID not in text and "19121212" not in text


def test_billing_a_month_twice_changes_nothing(billed_world):
    run()
    runs, invoices = BillingRun.objects.count(), list(Invoice.objects.values_list("pk", "net_total"))
    assert run().strip().endswith("assistive 2026-03: 0 drafted, 0 updated, 1 unchanged.")
    assert (BillingRun.objects.count(), list(Invoice.objects.values_list("pk", "net_total"))) == (
        runs,
        invoices,
    )


def test_a_month_without_loans_bills_nothing(billed_world):
    assert run("2026-01").strip().endswith("0 drafted, 0 updated, 0 unchanged.")
    assert not Invoice.objects.exists()


def test_the_peppol_xml_of_a_rent_invoice_passes_the_rules(billed_world):
    from medtek.billing.exports.peppol import invoice_xml
    from medtek.billing.services import invoice_issue
    from medtek.billing.tests.conftest import RULE_FILES, RULES_DIR, SVRL  # noqa: F401

    run()
    inv = invoice_issue(user=system_actor(), invoice=Invoice.objects.get(part=BillingPart.ASSISTIVE))
    xml = invoice_xml(inv)
    assert b"19121212" not in xml
    assert peppol_fatal(xml) == []


def peppol_fatal(xml: bytes) -> list[str]:
    from lxml import etree
    from saxonche import PySaxonProcessor

    from medtek.billing.tests.conftest import RULE_FILES, RULES_DIR, SVRL

    found: list[str] = []
    with PySaxonProcessor(license=False) as proc:
        xslt = proc.new_xslt30_processor()
        for name in RULE_FILES:
            rules = xslt.compile_stylesheet(stylesheet_file=str(RULES_DIR / name))
            node = proc.parse_xml(xml_text=xml.decode("utf-8"))
            tree = etree.fromstring(rules.transform_to_string(xdm_node=node).encode("utf-8"))
            for fail in tree.iter(f"{{{SVRL}}}failed-assert"):
                if fail.get("flag") == "fatal":
                    found.append(f"{fail.get('id')}: {' '.join(''.join(fail.itertext()).split())}")
    return found


def billing_page(user, data=None):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(user)
    from medtek.jobs.tests.helpers import post_and_follow

    if data is None:
        return client.get("/assistive/billing/")
    return post_and_follow(client, "/assistive/billing/", data)


@pytest.fixture
def centre_admin(billed_world):
    from medtek.organizations.choices import Role
    from medtek.organizations.tests.factories import user_with_role

    return user_with_role(billed_world.centre, Role.MT_ADMIN, username="hmc-admin-t")


def test_the_billing_page_asks_to_confirm_the_months_loans_and_writes_nothing_yet(billed_world, centre_admin):
    response = billing_page(centre_admin, {"period": "2026-03"})
    assert response.status_code == 200
    assert "Fakturera hyror för 2026-03: 1 lån" in response.content.decode()
    assert not Invoice.objects.exists()


def test_the_billing_page_bills_the_month_and_links_the_invoices(billed_world, centre_admin):
    response = billing_page(centre_admin, {"period": "2026-03", "confirmed": "1"})
    inv = Invoice.objects.get(part=BillingPart.ASSISTIVE)
    page = response.content.decode()
    assert "2026-03: 1 fakturautkast skapade, 0 uppdaterade, 0 oförändrade." in page
    assert f'href="/billing/invoices/{inv.pk}/"' in page and "Halmstads kommun" in page


def test_billing_a_month_twice_on_the_page_says_nothing_new_and_creates_nothing(billed_world, centre_admin):
    billing_page(centre_admin, {"period": "2026-03", "confirmed": "1"})
    counts = (Invoice.objects.count(), BillingRun.objects.count())
    response = billing_page(centre_admin, {"period": "2026-03", "confirmed": "1"})
    page = response.content.decode()
    assert "2026-03: inget nytt – månadens fakturor var redan skapade; inget nytt skapades." in page
    assert (Invoice.objects.count(), BillingRun.objects.count()) == counts


def test_a_bad_month_on_the_billing_page_is_named_at_the_field(billed_world, centre_admin):
    response = billing_page(centre_admin, {"period": "2026-13"})
    assert response.status_code == 422
    assert response.context["form"].errors["period"]
    assert 'value="2026-13"' in response.content.decode()
    assert not Invoice.objects.exists()


def test_hmc_staff_without_billing_may_not_bill_on_the_page(billed_world):
    assert billing_page(billed_world.hmc).status_code == 403


def test_a_refusal_of_the_whole_billing_form_is_shown_in_its_box_with_the_month_kept(
    billed_world, centre_admin, monkeypatch
):
    from django.core.exceptions import ValidationError
    from django.test import Client

    def refuse(**_kwargs):
        raise ValidationError("Månadens hyror faktureras redan.")

    monkeypatch.setattr("medtek.assistive.views.billing_preview", refuse)
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(centre_admin)
    response = client.post("/assistive/billing/", {"period": "2026-03"})
    html = response.content.decode()
    form = html[html.index('id="billing-form"') :]
    assert response.status_code == 422
    box = '<ul class="errorlist nonfield" id="form-errors" tabindex="-1"><li>Månadens hyror faktureras redan.'
    assert form.index(box) < form.index('name="period"')
    assert '<a href="#form-errors">Månadens hyror faktureras redan.</a>' in html
    assert 'value="2026-03"' in form
    assert not Invoice.objects.exists()
