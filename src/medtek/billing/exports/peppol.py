"""Peppol BIS Billing 3.0 (UBL 2.1) Invoice and CreditNote XML of an invoice.

Parties are identified by their Swedish organisation numbers (ICD scheme 0007), the buyer's
reference is BuyerReference, and every amount is in öre-exact kronor.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone, translation
from lxml import etree

from medtek.billing.choices import InvoiceKind
from medtek.billing.models import Invoice, InvoiceLine
from medtek.billing.rules import INVOICE_LANGUAGE, vat_number
from medtek.organizations.models import Organisation
from medtek.organizations.rules import org_number_digits

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
ROOT_NS = {
    InvoiceKind.INVOICE: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    InvoiceKind.CREDIT_NOTE: "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}
ORG_SCHEME = "0007"
CURRENCY = "SEK"


def _amount(value: Decimal) -> str:
    return f"{Decimal(value).quantize(Decimal('0.01'))}"


def _quantity(value: Decimal) -> str:
    text = f"{Decimal(value).normalize():f}"
    return text


def _percent(value: Decimal) -> str:
    return f"{Decimal(value).quantize(Decimal('0.01'))}"


class _Builder:
    def __init__(self, root: etree._Element) -> None:
        self.root = root

    def cbc(self, parent: etree._Element, tag: str, text: Any, **attrs: str) -> etree._Element:
        el = etree.SubElement(parent, f"{{{CBC}}}{tag}", **attrs)
        el.text = str(text)
        return el

    def cac(self, parent: etree._Element, name: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{CAC}}}{name}")

    def money(self, parent: etree._Element, name: str, value: Decimal) -> etree._Element:
        return self.cbc(parent, name, _amount(value), currencyID=CURRENCY)


def _tax_category(b: _Builder, parent: etree._Element, name: str, invoice: Invoice, *, reason: bool) -> None:
    cat = b.cac(parent, name)
    if invoice.vat_applies:
        b.cbc(cat, "ID", "S")
        b.cbc(cat, "Percent", _percent(invoice.vat_rate))
    else:
        b.cbc(cat, "ID", "E")
        b.cbc(cat, "Percent", "0")
        if reason:
            b.cbc(cat, "TaxExemptionReason", invoice.vat_exemption_reason or "Undantaget från moms")
    scheme = b.cac(cat, "TaxScheme")
    b.cbc(scheme, "ID", "VAT")


def _party(b: _Builder, parent: etree._Element, org: Organisation, *, seller: bool) -> None:
    party = b.cac(parent, "Party")
    digits = org_number_digits(org.org_number) if org.org_number else ""
    b.cbc(party, "EndpointID", digits, schemeID=ORG_SCHEME)
    ident = b.cac(party, "PartyIdentification")
    b.cbc(ident, "ID", digits, schemeID=ORG_SCHEME)
    name = b.cac(party, "PartyName")
    b.cbc(name, "Name", org.name)
    address = b.cac(party, "PostalAddress")
    if org.street_address:
        b.cbc(address, "StreetName", org.street_address)
    if org.city:
        b.cbc(address, "CityName", org.city)
    if org.postal_code:
        b.cbc(address, "PostalZone", org.postal_code)
    country = b.cac(address, "Country")
    b.cbc(country, "IdentificationCode", "SE")
    if seller:
        tax = b.cac(party, "PartyTaxScheme")
        b.cbc(tax, "CompanyID", vat_number(org.org_number))
        scheme = b.cac(tax, "TaxScheme")
        b.cbc(scheme, "ID", "VAT")
    legal = b.cac(party, "PartyLegalEntity")
    b.cbc(legal, "RegistrationName", org.name)
    b.cbc(legal, "CompanyID", digits, schemeID=ORG_SCHEME)
    if org.email:
        contact = b.cac(party, "Contact")
        b.cbc(contact, "ElectronicMail", org.email)


def _line(b: _Builder, root: etree._Element, invoice: Invoice, line: InvoiceLine, credit: bool) -> None:
    el = b.cac(root, "CreditNoteLine" if credit else "InvoiceLine")
    b.cbc(el, "ID", line.position)
    b.cbc(
        el,
        "CreditedQuantity" if credit else "InvoicedQuantity",
        _quantity(line.quantity),
        unitCode=line.unit_code,
    )
    b.money(el, "LineExtensionAmount", line.amount)
    if line.work_order_id and line.work_order is not None:
        b.cbc(el, "AccountingCost", line.work_order.number)
    if line.work_date:
        period = b.cac(el, "InvoicePeriod")
        b.cbc(period, "StartDate", line.work_date.isoformat())
        b.cbc(period, "EndDate", line.work_date.isoformat())
    item = b.cac(el, "Item")
    b.cbc(item, "Description", line.description)
    b.cbc(item, "Name", line.description[:100])
    if line.work_order_id and line.work_order is not None:
        seller_id = b.cac(item, "SellersItemIdentification")
        b.cbc(seller_id, "ID", f"{line.kind}:{line.work_order.number}")
    _tax_category(b, item, "ClassifiedTaxCategory", invoice, reason=False)
    price = b.cac(el, "Price")
    b.money(price, "PriceAmount", line.unit_price)


def invoice_xml(invoice: Invoice, lines: list[InvoiceLine] | None = None) -> bytes:
    """The invoice (or credit note) as Peppol BIS Billing 3.0 UBL XML."""
    credit = invoice.kind == InvoiceKind.CREDIT_NOTE
    ns = ROOT_NS[InvoiceKind(invoice.kind)]
    root = etree.Element(
        f"{{{ns}}}{'CreditNote' if credit else 'Invoice'}", nsmap={None: ns, "cac": CAC, "cbc": CBC}
    )
    b = _Builder(root)
    lines = (
        lines if lines is not None else list(invoice.lines.select_related("work_order").order_by("position"))
    )
    issue = invoice.issue_date or timezone.localdate()
    b.cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    b.cbc(root, "ProfileID", PROFILE_ID)
    b.cbc(root, "ID", invoice.number or f"UTKAST-{invoice.pk}")
    b.cbc(root, "IssueDate", issue.isoformat())
    if not credit and invoice.due_date:
        b.cbc(root, "DueDate", invoice.due_date.isoformat())
    b.cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", "381" if credit else "380")
    with translation.override(INVOICE_LANGUAGE):
        part = str(invoice.get_part_display())
    note = invoice.note or f"{invoice.agreement.reference} {part} {invoice.period}"
    b.cbc(root, "Note", note)
    b.cbc(root, "DocumentCurrencyCode", CURRENCY)
    b.cbc(root, "BuyerReference", invoice.buyer_reference)
    period = b.cac(root, "InvoicePeriod")
    b.cbc(period, "StartDate", invoice.period_start.isoformat())
    b.cbc(period, "EndDate", invoice.period_end.isoformat())
    if credit and invoice.credited_invoice is not None:
        ref = b.cac(b.cac(root, "BillingReference"), "InvoiceDocumentReference")
        b.cbc(ref, "ID", invoice.credited_invoice.number)
        if invoice.credited_invoice.issue_date:
            b.cbc(ref, "IssueDate", invoice.credited_invoice.issue_date.isoformat())
    contract = b.cac(root, "ContractDocumentReference")
    b.cbc(contract, "ID", invoice.agreement.reference)
    _party(b, b.cac(root, "AccountingSupplierParty"), invoice.seller, seller=True)
    _party(b, b.cac(root, "AccountingCustomerParty"), invoice.customer, seller=False)
    bankgiro = (invoice.agreement.bankgiro or "").replace("-", "")
    if bankgiro:
        means = b.cac(root, "PaymentMeans")
        b.cbc(means, "PaymentMeansCode", "30", name="Credit transfer")
        b.cbc(means, "PaymentID", invoice.number or f"UTKAST-{invoice.pk}")
        account = b.cac(means, "PayeeFinancialAccount")
        b.cbc(account, "ID", bankgiro)
        branch = b.cac(account, "FinancialInstitutionBranch")
        b.cbc(branch, "ID", "SE:BANKGIRO")
    terms = b.cac(root, "PaymentTerms")
    b.cbc(terms, "Note", f"{invoice.agreement.payment_terms_days} dagar netto")
    tax_total = b.cac(root, "TaxTotal")
    b.money(tax_total, "TaxAmount", invoice.vat_total)
    sub = b.cac(tax_total, "TaxSubtotal")
    b.money(sub, "TaxableAmount", invoice.net_total)
    b.money(sub, "TaxAmount", invoice.vat_total)
    _tax_category(b, sub, "TaxCategory", invoice, reason=True)
    totals = b.cac(root, "LegalMonetaryTotal")
    b.money(totals, "LineExtensionAmount", invoice.net_total)
    b.money(totals, "TaxExclusiveAmount", invoice.net_total)
    b.money(totals, "TaxInclusiveAmount", invoice.gross_total)
    b.money(totals, "PayableAmount", invoice.gross_total)
    for line in lines:
        _line(b, root, invoice, line, credit)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
