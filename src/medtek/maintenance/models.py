"""Maintenance: priority models, PM state and planning, quality-control protocols and work orders."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medtek.core.models import TimeStampedModel
from medtek.core.money import MoneyField, money
from medtek.inventory.models import Device, DeviceModel
from medtek.maintenance.choices import (
    ItemKind,
    MaterialKind,
    ProtocolResult,
    TimeBasis,
    WaitingReason,
    WatchStatus,
    WorkOrderKind,
    WorkOrderStatus,
)
from medtek.maintenance.querysets import WorkOrderQuerySet
from medtek.organizations.models import Location, Organisation, TenantModel


class PMClass(TimeStampedModel):
    """A level of the PM prioritisation model: a band of equipment-management (EM) numbers.

    EM number = function + physical risk + maintenance need of the device model (Fennigkoh–Smith);
    the band decides the default PM interval and the order in which the planner serves the devices.
    """

    code = models.CharField(_("class"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(
        _("planning order"), unique=True, help_text=_("1 is served first")
    )
    min_score = models.PositiveSmallIntegerField(_("lowest EM number"))
    max_score = models.PositiveSmallIntegerField(_("highest EM number"))
    interval_months = models.PositiveSmallIntegerField(
        _("PM interval (months)"), null=True, blank=True, help_text=_("Empty: no scheduled PM")
    )

    class Meta:
        ordering = ["rank"]
        verbose_name = _("PM priority class")
        verbose_name_plural = _("PM priority classes")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CMPriority(TimeStampedModel):
    """A level of the CM priority model (P1 patient safety … P4 planned) with its SLA targets."""

    code = models.CharField(_("priority"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True, help_text=_("1 is the most urgent"))
    response_hours = models.DecimalField(_("response target (h)"), max_digits=7, decimal_places=2)
    resolution_hours = models.DecimalField(_("resolution target (h)"), max_digits=7, decimal_places=2)
    time_basis = models.CharField(
        _("counted in"), max_length=16, choices=TimeBasis.choices, default=TimeBasis.CALENDAR
    )

    class Meta:
        ordering = ["rank"]
        verbose_name = _("CM priority")
        verbose_name_plural = _("CM priorities")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DevicePMState(TenantModel):
    """A device's preventive-maintenance state: its class, interval, last done and next due.

    The device's owner, whether it is in the register and whether its model is assistive are kept on the
    clock by database triggers (`maintenance.kept_clocks`), so the clocks scope and count on their own.
    """

    tenant_field = "owner_id"
    assistive_field = "is_assistive"

    device = models.OneToOneField(Device, primary_key=True, on_delete=models.CASCADE, related_name="pm_state")
    pm_class = models.ForeignKey(PMClass, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rank = models.PositiveSmallIntegerField(default=99)
    interval_override_months = models.PositiveSmallIntegerField(
        _("PM interval override (months)"), null=True, blank=True
    )
    interval_months = models.PositiveSmallIntegerField(_("PM interval (months)"), null=True, blank=True)
    last_done = models.DateField(_("last PM"), null=True, blank=True)
    next_due = models.DateField(_("next PM due"), null=True, blank=True)
    # Kept by the database from the device (maintenance.kept_clocks): never written by the app. No
    # foreign-key check (the device's own owner is checked) and no index of its own (see Meta).
    owner = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        editable=False,
    )
    in_register = models.BooleanField(db_default=False, editable=False)
    is_assistive = models.BooleanField(db_default=False, editable=False)

    class Meta:
        verbose_name = _("PM state")
        indexes = [
            models.Index(fields=["next_due", "rank"], name="pmstate_due_rank"),
            # Overdue and due FU per owner, devices in the register: an index-only scan on PostgreSQL.
            models.Index(
                fields=["next_due"],
                include=["owner", "is_assistive"],
                condition=Q(in_register=True),
                name="pmstate_in_register_due",
            ),
        ]

    def __str__(self) -> str:
        return f"PM {self.device_id} next {self.next_due}"


class PlanRun(models.Model):
    """One run of the PM planner: who, when, the horizon, and what it created."""

    run_at = models.DateTimeField(_("run at"), auto_now_add=True)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    horizon_end = models.DateField(_("due up to"))
    work_orders_created = models.PositiveIntegerField(default=0)
    watch_items_created = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-run_at"]

    def __str__(self) -> str:
        return f"PM plan up to {self.horizon_end}"


class WorkOrder(TenantModel, TimeStampedModel):
    """An assignment for MT: PM (FU), CM (AU), quality control, advice or another requested task."""

    tenant_field = "customer_id"
    assistive_field = "device__model__is_assistive"

    # Unique through Meta.constraints rather than unique=True: on PostgreSQL a unique field also gets a
    # varchar_pattern_ops twin for LIKE 'x%', and nothing searches work-order numbers by prefix.
    number = models.CharField(_("number"), max_length=40)
    kind = models.CharField(_("kind"), max_length=16, choices=WorkOrderKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=WorkOrderStatus.choices, default=WorkOrderStatus.REPORTED
    )
    # device, customer and assigned_to lead composite indexes (Meta), which serve their lookups too;
    # a single-column index of their own would only slow the planner's bulk inserts. priority,
    # reported_by and origin are empty on planned (FU) work: their indexes (Meta) hold the rows that
    # have one, so the planner writes a PM work order into none of them.
    device = models.ForeignKey(
        Device, null=True, blank=True, on_delete=models.PROTECT, related_name="work_orders", db_index=False
    )
    customer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="work_orders",
        verbose_name=_("customer"),
        db_index=False,
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="work_orders"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    priority = models.ForeignKey(
        CMPriority,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_orders",
        db_index=False,
    )
    pm_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    response_due_at = models.DateTimeField(_("response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    waiting_reason = models.CharField(
        _("waiting for"), max_length=16, choices=WaitingReason.choices, blank=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    plan_run = models.ForeignKey(PlanRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolution = models.TextField(_("what was done"), blank=True)
    # Set when the work is done: False when one of its check protocols failed (done, not approved).
    approved = models.BooleanField(_("approved"), null=True, blank=True)
    origin = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("follows up"),
        help_text=_("The work whose failed check this repair follows up"),
        db_index=False,
    )

    objects: ClassVar[WorkOrderQuerySet] = WorkOrderQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-id"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        constraints = [
            models.UniqueConstraint(fields=["number"], name="workorder_number_unique"),
            models.UniqueConstraint(
                fields=["device", "due_date"],
                condition=Q(kind="pm"),
                name="workorder_one_pm_per_device_due",
                violation_error_message=_("This device already has a PM work order for that due date."),
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "status", "id"], name="wo_customer_status"),
            models.Index(fields=["status", "kind", "id"], name="wo_status_kind"),
            # A technician's work (my work, "mine", by technician): never the unassigned rows.
            models.Index(
                fields=["assigned_to", "status"],
                condition=Q(assigned_to__isnull=False),
                name="wo_assignee_status",
            ),
            models.Index(fields=["device", "kind", "status"], name="wo_device_kind_status"),
            models.Index(fields=["kind", "due_date"], name="wo_kind_due"),
            models.Index(fields=["customer", "reported_at"], name="wo_customer_reported"),
            # A customer's FU of one month: keeping that month's key figures reads it on every change.
            models.Index(fields=["customer", "kind", "due_date"], name="wo_customer_kind_due"),
            # Open work by priority (the key figures' backlog) reads only the open rows.
            models.Index(
                fields=["kind", "priority", "customer"],
                condition=Q(status__in=["accepted", "in_progress", "reported", "waiting"]),
                name="wo_open_kind_priority",
            ),
            # AU whose response or resolution target lies ahead: the part of a kept month still moving.
            models.Index(
                fields=["response_due_at"],
                condition=Q(accepted_at__isnull=True, response_due_at__isnull=False),
                name="wo_response_pending",
            ),
            models.Index(
                fields=["resolution_due_at"],
                condition=Q(done_at__isnull=True, resolution_due_at__isnull=False),
                name="wo_resolution_pending",
            ),
            # The foreign keys empty on planned work, indexed where set: a level's work (the board),
            # a repair's follow-ups, and the checks before a level, a user or a work order is deleted.
            models.Index(fields=["priority"], condition=Q(priority__isnull=False), name="wo_priority"),
            models.Index(
                fields=["reported_by"], condition=Q(reported_by__isnull=False), name="wo_reported_by"
            ),
            models.Index(fields=["origin"], condition=Q(origin__isnull=False), name="wo_origin"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class KeyFigureMonth(TenantModel):
    """One customer's FU and AU counts for one calendar month, kept by the maintenance services in the
    same transaction as the work orders change (maintenance.key_figures_rollup); split by whether the
    device is an assistive device, so the rows scope the way work orders do."""

    customer = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    month = models.DateField()  # the first day of the month
    assistive = models.BooleanField(default=False)
    pm_due = models.PositiveIntegerField(default=0)
    pm_done = models.PositiveIntegerField(default=0)
    pm_not_approved = models.PositiveIntegerField(default=0)
    pm_done_on_time = models.PositiveIntegerField(default=0)
    cm_count = models.PositiveIntegerField(default=0)
    # Response and resolution with a target: settled (it happened) or pending (not yet: measured once
    # the target has passed, so the reader subtracts the pending ones whose target still lies ahead).
    cm_response_settled = models.PositiveIntegerField(default=0)
    cm_response_pending = models.PositiveIntegerField(default=0)
    cm_response_within = models.PositiveIntegerField(default=0)
    cm_resolution_settled = models.PositiveIntegerField(default=0)
    cm_resolution_pending = models.PositiveIntegerField(default=0)
    cm_resolution_within = models.PositiveIntegerField(default=0)
    cm_repaired = models.PositiveIntegerField(default=0)
    cm_repair_time = models.DurationField(null=True, blank=True)

    tenant_field = "customer_id"
    assistive_field = "assistive"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "month", "assistive"], name="keyfiguremonth_unique"),
        ]
        indexes = [models.Index(fields=["month", "customer"], name="keyfiguremonth_month")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.month:%Y-%m}"


class TimeEntry(TenantModel, TimeStampedModel):
    """Hours a technician spent on a work order on one day (read by variable billing)."""

    tenant_field = "work_order__customer_id"
    assistive_field = "work_order__device__model__is_assistive"

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="time_entries")
    technician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    billable = models.BooleanField(_("billable"), default=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=24),
                name="time_entry_hours_range",
                violation_error_message=_("Hours must be more than 0 and at most 24 on a day."),
            )
        ]
        indexes = [models.Index(fields=["date", "work_order"], name="timeentry_date_wo")]


class TravelEntry(TenantModel, TimeStampedModel):
    """A visit to a care unit for a work order, with its cost (read by variable billing)."""

    tenant_field = "work_order__customer_id"
    assistive_field = "work_order__device__model__is_assistive"

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="travel_entries")
    date = models.DateField(_("date"))
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=300, blank=True)
    cost = MoneyField(_("cost (SEK)"))
    billable = models.BooleanField(_("billable"), default=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("travel entry")
        verbose_name_plural = _("travel entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(cost__gte=0),
                name="travel_entry_cost_not_negative",
                violation_error_message=_("A travel cost cannot be negative."),
            )
        ]
        indexes = [models.Index(fields=["date", "work_order"], name="travelentry_date_wo")]


class MaterialLine(TenantModel, TimeStampedModel):
    """A spare part or consumable used on a work order (read by variable billing)."""

    tenant_field = "work_order__customer_id"
    assistive_field = "work_order__device__model__is_assistive"

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="material_lines")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=MaterialKind.choices)
    article_number = models.CharField(_("article number"), max_length=60, blank=True)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit_price = MoneyField(_("unit price (SEK)"))
    billable = models.BooleanField(_("billable"), default=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("material line")
        verbose_name_plural = _("material lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="material_line_quantity_positive",
                violation_error_message=_("The quantity must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0),
                name="material_line_price_not_negative",
                violation_error_message=_("The unit price cannot be negative."),
            ),
        ]
        indexes = [models.Index(fields=["date", "work_order"], name="materialline_date_wo")]

    @property
    def amount(self) -> Decimal:
        """Quantity × unit price, rounded to whole öre."""
        return money(Decimal(self.quantity) * Decimal(self.unit_price))


class ProtocolTemplate(TimeStampedModel):
    """A check protocol as data: checklist items and measured values with limits, per device model."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    device_models = models.ManyToManyField(
        DeviceModel, blank=True, related_name="protocol_templates", verbose_name=_("device models")
    )
    # A reconditioning protocol (cleaning and disinfection, functional and safety check, parts) is
    # opened by reconditioning work only; the other check protocols by PM and quality controls.
    reconditioning = models.BooleanField(_("reconditioning protocol"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("check protocol")

    def __str__(self) -> str:
        return self.name


class ProtocolItem(models.Model):
    """One line of a check protocol: a yes/no check, or a value measured against limits."""

    template = models.ForeignKey(ProtocolTemplate, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=8, choices=ItemKind.choices, default=ItemKind.CHECK)
    label = models.CharField(_("item"), max_length=200)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    lower_limit = models.DecimalField(
        _("lowest allowed"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    upper_limit = models.DecimalField(
        _("highest allowed"), max_digits=12, decimal_places=4, null=True, blank=True
    )

    class Meta:
        ordering = ["template", "order", "id"]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        from medtek.maintenance import rules

        rules.check_protocol_item(self.kind, self.unit, self.lower_limit, self.upper_limit)


class ProtocolRecord(TenantModel, TimeStampedModel):
    """A filled-in protocol for one device: the results a technician recorded and the verdict."""

    tenant_field = "device__owner_id"
    assistive_field = "device__model__is_assistive"

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="protocol_records")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="protocol_records")
    template = models.ForeignKey(ProtocolTemplate, on_delete=models.PROTECT, related_name="records")
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    performed_at = models.DateTimeField(_("performed"), null=True, blank=True)
    result = models.CharField(
        _("result"), max_length=8, choices=ProtocolResult.choices, default=ProtocolResult.OPEN
    )
    # An MT admin may release a device a failed check blocked, with a reason, without a passed check.
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    overridden_at = models.DateTimeField(_("released by override"), null=True, blank=True)
    override_reason = models.TextField(_("reason for the override"), blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["device", "performed_at"], name="protorec_device_time")]

    def __str__(self) -> str:
        return f"{self.template_id} on {self.device_id}: {self.result}"


class ProtocolResultLine(models.Model):
    """The answer to one protocol item."""

    record = models.ForeignKey(ProtocolRecord, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(ProtocolItem, on_delete=models.PROTECT, related_name="+")
    checked = models.BooleanField(null=True)
    value = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    unit = models.CharField(max_length=16, blank=True)
    passed = models.BooleanField()

    class Meta:
        ordering = ["item__order", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "item"], name="protocol_line_once_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {'ok' if self.passed else 'fail'}"


class WatchItem(TenantModel, TimeStampedModel):
    """A PM due on a device maintained by another party: MT watches that it is done."""

    tenant_field = "device__owner_id"
    assistive_field = "device__model__is_assistive"

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="watch_items")
    external_maintainer = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=16, choices=WatchStatus.choices, default=WatchStatus.OPEN
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    plan_run = models.ForeignKey(PlanRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["device", "due_date"], name="watch_item_once_per_due"),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="watch_status_due")]

    def __str__(self) -> str:
        return f"Watch {self.device_id} due {self.due_date}"
