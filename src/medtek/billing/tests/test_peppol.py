"""Every exported invoice and credit note passes the official EN 16931 and Peppol BIS 3.0 rules."""

import datetime as dt

import pytest
from lxml import etree

from medtek.billing import services
from medtek.billing.exports.peppol import invoice_xml
from medtek.billing.models import Invoice
from medtek.billing.tests.helpers import billable_work_order

pytestmark = pytest.mark.django_db
NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


def test_every_fixed_invoice_of_the_demo_validates(demo, peppol_errors):
    admin = demo["users"]["mt-admin"]
    services.fixed_run(user=admin, period="2025H2")
    for inv in Invoice.objects.filter(period="2025H2"):
        inv = services.invoice_issue(user=admin, invoice=inv)
        assert peppol_errors(invoice_xml(inv)) == [], inv.customer.name


def test_the_xml_carries_organisation_numbers_buyer_reference_and_ore_exact_totals(demo):
    admin = demo["users"]["mt-admin"]
    services.fixed_run(user=admin, period="2025H2")
    inv = services.invoice_issue(
        user=admin, invoice=Invoice.objects.get(period="2025H2", customer__short_code="BERG")
    )
    tree = etree.fromstring(invoice_xml(inv))
    seller = tree.find("cac:AccountingSupplierParty/cac:Party/cbc:EndpointID", NS)
    buyer = tree.find("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", NS)
    assert (seller.get("schemeID"), seller.text) == ("0007", "2321000214")
    assert buyer.get("schemeID") == "0007" and buyer.text == inv.customer.org_number.replace("-", "")
    assert tree.findtext("cbc:BuyerReference", namespaces=NS) == "MAS Bergs"
    assert tree.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS) == "8539.61"


def test_a_variable_invoice_validates(demo, peppol_errors):
    admin = demo["users"]["mt-admin"]
    billable_work_order(
        customer=demo["orgs"]["BERG"], technician=demo["users"]["mt-tech"], day=dt.date(2026, 3, 4)
    )
    result = services.variable_run(user=admin, period="2026-03")
    inv = services.invoice_issue(user=admin, invoice=result.created[0])
    assert peppol_errors(invoice_xml(inv)) == []


def test_a_credit_note_validates(demo, peppol_errors):
    admin = demo["users"]["mt-admin"]
    services.fixed_run(user=admin, period="2025H2")
    inv = services.invoice_issue(
        user=admin, invoice=Invoice.objects.get(period="2025H2", customer__short_code="ARE")
    )
    note = services.invoice_issue(
        user=admin, invoice=services.invoice_credit(user=admin, invoice=inv, reason="Fel")
    )
    xml = invoice_xml(note)
    assert (
        etree.fromstring(xml).findtext(
            "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID", namespaces=NS
        )
        == inv.number
    )
    assert peppol_errors(xml) == []


def test_an_invoice_exempt_from_vat_validates(demo, peppol_errors):
    admin = demo["users"]["mt-admin"]
    agreement = demo["agreements"]["RJH-MT-2024"]
    agreement.vat_applies = False
    agreement.vat_exemption_reason = "Undantaget från skatteplikt, 3 kap. mervärdesskattelagen"
    agreement.save()
    services.fixed_run(user=admin, period="2025H2")
    inv = services.invoice_issue(
        user=admin, invoice=Invoice.objects.get(period="2025H2", customer__short_code="BERG")
    )
    assert inv.vat_total == 0 and inv.gross_total == inv.net_total
    assert peppol_errors(invoice_xml(inv)) == []


def test_a_broken_document_is_caught(demo, peppol_errors):
    admin = demo["users"]["mt-admin"]
    services.fixed_run(user=admin, period="2025H2")
    inv = Invoice.objects.get(period="2025H2", customer__short_code="BERG")
    xml = invoice_xml(inv).replace(b"<cbc:BuyerReference>MAS Bergs</cbc:BuyerReference>", b"")
    assert any(e.startswith("PEPPOL-EN16931-R003") for e in peppol_errors(xml))
