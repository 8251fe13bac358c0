"""Agreements (överenskommelser) between an MT provider and its customers, rate schedules and the index."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medtek.agreements import rules
from medtek.agreements.choices import (
    AgreementKind,
    AgreementStatus,
    ContactRole,
    CountReference,
    FixedPartMode,
    NoticeKind,
    NoticeStatus,
    RateRounding,
)
from medtek.agreements.querysets import ProviderOrPartyQuerySet
from medtek.core.models import TimeStampedModel
from medtek.core.money import MoneyField
from medtek.organizations.models import Organisation, TenantModel

NON_NEGATIVE = _("A price cannot be negative.")


class RateSchedule(TenantModel, TimeStampedModel):
    """An hourly rate from a date, adjusted each 1 January by a price index (VPI) entered per year."""

    tenant_field = "provider_id"
    party_path = "agreements__parties__customer_id"

    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="rate_schedules", verbose_name=_("MT provider")
    )
    name = models.CharField(_("name"), max_length=120)
    base_rate = MoneyField(_("hourly rate (SEK)"))
    valid_from = models.DateField(_("in force from"))
    index_name = models.CharField(_("price index"), max_length=40, default="VPI")
    rounding = models.CharField(
        _("rounding of the indexed rate"),
        max_length=8,
        choices=RateRounding.choices,
        default=RateRounding.KRONA,
        help_text=_("Each year's indexed rate is rounded half up to this unit and is the base of the next"),
    )

    objects: ClassVar[ProviderOrPartyQuerySet] = ProviderOrPartyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["name"]
        verbose_name = _("rate schedule")
        constraints = [
            models.CheckConstraint(
                condition=Q(base_rate__gte=0),
                name="rate_schedule_rate_not_negative",
                violation_error_message=NON_NEGATIVE,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def figures_by_year(self) -> dict[int, Decimal]:
        return {f.year: f.change_percent for f in self.figures.all()}

    def rate_on(self, day: dt.date) -> Decimal:
        """The rate in force on `day`; RateError (MissingIndexFigure) when it cannot be known."""
        return rules.indexed_rate(
            base_rate=self.base_rate,
            valid_from=self.valid_from,
            figures=self.figures_by_year(),
            day=day,
            rounding=self.rounding,
            index_name=self.index_name,
        )


class IndexFigure(TenantModel, TimeStampedModel):
    """The index change that applies from 1 January of `year`, as published (e.g. SKR's VPI)."""

    tenant_field = "schedule__provider_id"
    party_path = "schedule__agreements__parties__customer_id"

    schedule = models.ForeignKey(RateSchedule, on_delete=models.CASCADE, related_name="figures")
    year = models.PositiveSmallIntegerField(_("applies from 1 January of"))
    change_percent = models.DecimalField(_("change (%)"), max_digits=6, decimal_places=3)
    publication_reference = models.CharField(_("publication"), max_length=200)
    is_example = models.BooleanField(
        _("example figure"), default=False, help_text=_("Not the published figure: replace it")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects: ClassVar[ProviderOrPartyQuerySet] = ProviderOrPartyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["schedule", "year"]
        verbose_name = _("index figure")
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "year"],
                name="index_figure_unique_year",
                violation_error_message=_("This rate schedule already has a figure for this year."),
            ),
            models.CheckConstraint(
                condition=Q(change_percent__gt=-100),
                name="index_figure_above_minus_100",
                violation_error_message=_("An index change must be above -100 %."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schedule.index_name} {self.year}: {self.change_percent} %"


class Agreement(TenantModel, TimeStampedModel):
    """An agreement between an MT provider and one or more customers, with its economic terms."""

    tenant_field = "provider_id"
    party_path = "parties__customer_id"

    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="provided_agreements",
        verbose_name=_("MT provider"),
    )
    seller = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("invoicing party"),
        help_text=_("The legal entity that invoices (e.g. the region)"),
    )
    reference = models.CharField(
        _("reference"),
        max_length=60,
        unique=True,
        error_messages={"unique": _("An agreement with this reference exists.")},
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=16, choices=AgreementKind.choices, default=AgreementKind.MT_SUPPORT
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    notice_months = models.PositiveSmallIntegerField(_("notice (months before the end)"), default=12)
    auto_extend = models.BooleanField(_("extended automatically"), default=True)
    extension_months = models.PositiveSmallIntegerField(_("extension (months)"), default=24)
    terminated_on = models.DateField(_("notice given on"), null=True, blank=True)
    termination_decision = models.CharField(_("decision reference"), max_length=200, blank=True)
    termination_forum = models.CharField(_("forum"), max_length=200, blank=True)
    rate_schedule = models.ForeignKey(
        RateSchedule,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("rate schedule"),
    )
    # Fixed part (Bilaga 1, 1): base cost plus cost per registered device, half-yearly in advance.
    fixed_mode = models.CharField(
        _("fixed part as"), max_length=8, choices=FixedPartMode.choices, default=FixedPartMode.HOURS
    )
    fixed_base_hours = models.DecimalField(
        _("base hours per year"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("40"),
        validators=[MinValueValidator(0)],
    )
    fixed_minutes_per_device = models.DecimalField(
        _("minutes per registered device per year"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("12"),
        validators=[MinValueValidator(0)],
    )
    fixed_base_amount = MoneyField(_("base amount per year (SEK)"), default=Decimal("0"))
    fixed_amount_per_device = MoneyField(_("amount per device per year (SEK)"), default=Decimal("0"))
    count_reference = models.CharField(
        _("devices counted on"),
        max_length=16,
        choices=CountReference.choices,
        default=CountReference.DAY_BEFORE_PERIOD,
    )
    # Invoicing.
    vat_applies = models.BooleanField(_("VAT applies"), default=True)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2, default=Decimal("25"))
    vat_exemption_reason = models.CharField(_("reason for exemption from VAT"), max_length=200, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    bankgiro = models.CharField(_("bankgiro"), max_length=9, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # A monitoring agreement (J15): the external party that maintains the covered equipment.
    external_supplier = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("external supplier"),
        help_text=_("The supplier that maintains the equipment a monitoring agreement covers"),
    )

    # Advice in limited scope (J13): advice hours per customer and year the agreement allows.
    advice_hours_limit = models.DecimalField(
        _("advice hours per customer and year"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Advice is given in limited scope; a warning shows at 80 %"),
    )

    objects: ClassVar[ProviderOrPartyQuerySet] = ProviderOrPartyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-valid_from", "reference"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        indexes = [models.Index(fields=["provider", "valid_from"], name="agreement_provider_from")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="agreement_dates_in_order",
                violation_error_message=_("An agreement cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(fixed_base_amount__gte=0) & Q(fixed_amount_per_device__gte=0),
                name="agreement_amounts_not_negative",
                violation_error_message=NON_NEGATIVE,
            ),
            models.CheckConstraint(
                condition=Q(advice_hours_limit__isnull=True) | Q(advice_hours_limit__gte=0),
                name="agreement_advice_limit_not_negative",
                violation_error_message=_("An advice limit cannot be below zero hours."),
            ),
            models.CheckConstraint(
                condition=Q(vat_rate__gte=0) & Q(vat_rate__lt=100),
                name="agreement_vat_rate_range",
                violation_error_message=_("A VAT rate is between 0 and 100 %."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not self.vat_applies and not self.vat_exemption_reason.strip():
            errors["vat_exemption_reason"] = str(
                _("Without VAT, state the reason for the exemption (it is printed on every invoice).")
            )
        if self.bankgiro and not (
            self.bankgiro.replace("-", "").isdigit() and 7 <= len(self.bankgiro.replace("-", "")) <= 8
        ):
            errors["bankgiro"] = str(_("A bankgiro number has 7 or 8 digits."))
        if errors:
            raise ValidationError(errors)

    @property
    def terms(self) -> rules.Terms:
        return rules.Terms(
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            notice_months=self.notice_months,
            extension_months=self.extension_months,
            auto_extend=self.auto_extend,
            terminated_on=self.terminated_on,
        )

    def end_on(self, day: dt.date | None = None) -> dt.date:
        return rules.end_on(self.terms, day or timezone.localdate())

    def notice_deadline_on(self, day: dt.date | None = None) -> dt.date | None:
        return rules.next_notice_deadline(self.terms, day or timezone.localdate())

    def status_on(self, day: dt.date | None = None) -> AgreementStatus:
        return rules.status_on(self.terms, day or timezone.localdate())

    def in_force_on(self, day: dt.date) -> bool:
        return rules.in_force_on(self.terms, day)


class AgreementParty(TenantModel, TimeStampedModel):
    """A customer (municipality, care provider) party to an agreement, with its invoice reference."""

    tenant_field = "customer_id"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    customer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="agreement_parties", verbose_name=_("customer")
    )
    buyer_reference = models.CharField(
        _("buyer reference"),
        max_length=100,
        help_text=_("The customer's reference printed on every invoice (Peppol BuyerReference)"),
    )

    class Meta:
        ordering = ["customer__name"]
        verbose_name = _("agreement party")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "customer"],
                name="agreement_party_unique",
                violation_error_message=_("This customer is already a party to the agreement."),
            )
        ]
        indexes = [models.Index(fields=["customer", "agreement"], name="agreement_party_customer")]

    def __str__(self) -> str:
        return f"{self.customer} — {self.agreement.reference}"


class MonitoredDevice(TimeStampedModel):
    """A device a monitoring agreement covers: maintained by the external supplier, watched by MT (J15).

    The device is referred to by the app label only: agreements does not import the register.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="monitored_devices")
    device = models.ForeignKey(
        "inventory.Device",
        on_delete=models.PROTECT,
        related_name="monitoring_links",
        verbose_name=_("device"),
    )

    class Meta:
        ordering = ["agreement", "device"]
        verbose_name = _("device under a monitoring agreement")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "device"],
                name="monitored_device_unique",
                violation_error_message=_("The agreement already covers this device."),
            )
        ]
        indexes = [models.Index(fields=["device", "agreement"], name="monitored_device_device")]

    def __str__(self) -> str:
        return f"{self.agreement.reference}: {self.device_id}"


class AgreementContact(TimeStampedModel):
    """A party's named contact for the agreement (MAS/MAR, MT coordinator): a user, or a name and e-mail."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="contacts")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("party")
    )
    role = models.CharField(_("role in the agreement"), max_length=20, choices=ContactRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["agreement", "organisation__name", "role", "name"]
        verbose_name = _("agreement contact")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_role_display()})"

    @property
    def display_name(self) -> str:
        if self.user is not None and not self.name:
            return self.user.get_full_name() or self.user.get_username()
        return self.name

    @property
    def address(self) -> str:
        return self.email or (self.user.email if self.user is not None else "")

    def clean(self) -> None:
        if not self.user_id and not (self.name.strip() and self.email.strip()):
            raise ValidationError({"name": _("Name a user, or give the contact's name and e-mail address.")})


class ChangeNotice(TimeStampedModel):
    """A party's notice of changed local conditions or needs, to the other party, acknowledged by it (J23)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="change_notices")
    from_party = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_party = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    kind = models.CharField(_("kind of change"), max_length=20, choices=NoticeKind.choices)
    effective_on = models.DateField(_("takes effect on"), null=True, blank=True)
    description = models.TextField(_("description"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.OPEN
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    response = models.TextField(_("response"), blank=True)

    class Meta:
        ordering = ["agreement", "-created_at"]
        verbose_name = _("change notice")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_party=models.F("to_party")),
                name="change_notice_between_parties",
                violation_error_message=_("A notice goes to the other party."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement.reference}: {self.get_kind_display()}"


class Evaluation(TimeStampedModel):
    """The parties' joint evaluation and follow-up of an agreement for a period (J24), with the
    conclusions reported to the local and the county-wide arena (J25)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="evaluations")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    mt_assessment = models.TextField(_("MT's assessment"), blank=True)
    customer_assessment = models.TextField(_("the customers' assessment"), blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("started by")
    )
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    reported_to = models.JSONField(_("reported to"), default=list, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reported by"),
    )

    class Meta:
        ordering = ["agreement", "-period_start"]
        verbose_name = _("evaluation")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "period_start", "period_end"],
                name="evaluation_unique_period",
                violation_error_message=_("The agreement already has an evaluation of this period."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="evaluation_period_in_order",
                violation_error_message=_("A period cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement.reference} {self.period_label}"

    @property
    def period_label(self) -> str:
        if (self.period_start.month, self.period_start.day, self.period_end.month, self.period_end.day) == (
            1,
            1,
            12,
            31,
        ) and self.period_start.year == self.period_end.year:
            return str(self.period_start.year)
        return f"{self.period_start.isoformat()} – {self.period_end.isoformat()}"


class EvaluationAction(TimeStampedModel):
    """An action the parties agreed on in an evaluation, with its owner and date, tracked to done."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(_("action"))
    owner_party = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible party")
    )
    owner_name = models.CharField(_("owner"), max_length=200)
    due_on = models.DateField(_("to be done by"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["evaluation", "due_on", "pk"]
        verbose_name = _("agreed action")

    def __str__(self) -> str:
        return self.description[:80]
