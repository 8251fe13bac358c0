"""Invoices and credit notes, their lines and basis, the gap-free number series and billing runs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medtek.agreements.models import Agreement
from medtek.billing.choices import BillingPart, InvoiceKind, InvoiceStatus, LineKind
from medtek.core.models import TimeStampedModel
from medtek.core.money import MoneyField
from medtek.maintenance.models import WorkOrder
from medtek.organizations.models import Organisation, TenantModel


class InvoiceSeries(models.Model):
    """The gap-free number series of an invoicing party; its row is locked while a number is taken."""

    seller = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="invoice_series")
    prefix = models.CharField(max_length=16, default="MT")
    next_number = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("invoice number series")

    def __str__(self) -> str:
        return f"{self.prefix} {self.seller_id} next {self.next_number}"


class BillingRun(TenantModel):
    """One run of the fixed or variable billing for a period that created or updated drafts."""

    tenant_field = "provider_id"

    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    part = models.CharField(_("part"), max_length=16, choices=BillingPart.choices)
    period = models.CharField(_("period"), max_length=8)
    run_at = models.DateTimeField(_("run at"), auto_now_add=True)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    basis = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-run_at", "-id"]
        indexes = [models.Index(fields=["provider", "period"], name="billingrun_provider_period")]

    def __str__(self) -> str:
        return f"{self.part} {self.period}"


class Invoice(TenantModel, TimeStampedModel):
    """An invoice (or credit note) to one customer for one period; frozen once issued."""

    tenant_field = "provider_id"
    party_field = "customer_id"

    kind = models.CharField(
        _("kind"), max_length=16, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE
    )
    status = models.CharField(
        _("status"), max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    number = models.CharField(_("number"), max_length=30, blank=True)
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="invoices")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("customer")
    )
    part = models.CharField(_("part"), max_length=16, choices=BillingPart.choices)
    period = models.CharField(_("period"), max_length=8)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    buyer_reference = models.CharField(_("buyer reference"), max_length=100)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    vat_applies = models.BooleanField(_("VAT applies"), default=True)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2, default=Decimal("25"))
    vat_exemption_reason = models.CharField(max_length=200, blank=True)
    net_total = MoneyField(_("net"), default=Decimal("0"))
    vat_total = MoneyField(_("VAT"), default=Decimal("0"))
    gross_total = MoneyField(_("total"), default=Decimal("0"))
    credited_invoice = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    basis = models.JSONField(default=dict, blank=True)
    run = models.ForeignKey(
        BillingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="invoices"
    )
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-period_start", "customer__name", "id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "number"],
                condition=~Q(number=""),
                name="invoice_number_unique_per_seller",
                violation_error_message=_("This invoice number is already used."),
            ),
            models.UniqueConstraint(
                fields=["agreement", "customer", "part", "period"],
                condition=Q(kind="invoice", status__in=["draft", "issued"]),
                name="invoice_one_per_period_and_customer",
                violation_error_message=_("This customer already has an invoice for this part and period."),
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "period_start"], name="invoice_customer_period"),
            models.Index(fields=["part", "period", "status"], name="invoice_part_period_status"),
            models.Index(fields=["status", "period_start"], name="invoice_status_period"),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.get_kind_display()} ({self.get_status_display()}) #{self.pk}"

    @property
    def is_frozen(self) -> bool:
        return self.status != InvoiceStatus.DRAFT

    @property
    def display_number(self) -> Any:
        return self.number or _("draft %(id)s") % {"id": self.pk}


class InvoiceLine(models.Model):
    """One line of an invoice, linked to its basis: a work order entry, or the devices counted."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    kind = models.CharField(_("kind"), max_length=16, choices=LineKind.choices)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit_code = models.CharField(_("unit"), max_length=8, default="C62")
    unit_price = MoneyField(_("unit price"))
    amount = MoneyField(_("amount"))
    work_order = models.ForeignKey(
        WorkOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="invoice_lines"
    )
    source_id = models.BigIntegerField(null=True, blank=True)
    work_date = models.DateField(null=True, blank=True)
    basis = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position_unique"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0),
                name="invoice_line_price_not_negative",
                violation_error_message=_("A price cannot be negative."),
            ),
        ]
        indexes = [models.Index(fields=["work_order"], name="invoiceline_work_order")]

    def __str__(self) -> str:
        return f"{self.position}. {self.description}"

    def signature(self) -> tuple[Any, ...]:
        """What makes two lines the same, to tell whether a re-run changed anything."""
        return (
            self.kind,
            self.description,
            Decimal(self.quantity).normalize(),
            self.unit_code,
            Decimal(self.unit_price),
            Decimal(self.amount),
            self.work_order_id,
            self.source_id,
            self.work_date,
        )
