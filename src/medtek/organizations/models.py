"""Organisations (tenants), their locations, users' memberships with roles, and API tokens."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medtek.core.models import TimeStampedModel
from medtek.organizations import rules
from medtek.organizations.choices import LocationKind, OrganisationKind, Role
from medtek.organizations.querysets import TenantQuerySet


class TenantModel(models.Model):
    """A row an organisation owns: its manager scopes it with `visible_to(user)`, the one choke point.

    Every tenant-owned model inherits this, so none can be written without the scoped manager. It says
    where the owner is: `tenant_field` is the path to the owning organisation's id; `party_field`, where
    set, the path to an organisation that is a party to the row (an invoice's buyer), whose own members
    see the row too but those who merely serve it do not; `assistive_field`, for rows about a device,
    the path to the device model's assistive flag (a user who reaches an organisation for its assistive
    devices only, HMC staff, sees only the rows where it is true).
    """

    tenant_field: ClassVar[str] = "organisation_id"
    party_field: ClassVar[str | None] = None
    assistive_field: ClassVar[str | None] = None

    objects: ClassVar[TenantQuerySet[Any]] = TenantQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        abstract = True


class Organisation(TenantModel, TimeStampedModel):
    """A region, MT department, municipality, care provider, aid organisation, supplier or manufacturer."""

    tenant_field = "id"

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    org_number = models.CharField(
        _("organisation number"), max_length=11, blank=True, help_text=_("NNNNNN-NNNN, checked digit")
    )
    municipality_code = models.CharField(_("municipality code"), max_length=4, blank=True)
    short_code = models.CharField(_("code"), max_length=32, unique=True, help_text=_("Short unique code"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("part of"),
    )
    providers = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="served",
        verbose_name=_("served by"),
        help_text=_("The MT or HMC departments that answer for this organisation's devices"),
    )
    counts_as = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="counted_providers",
        verbose_name=_("counts as"),
        help_text=_("A private care provider under contract counts as this region or municipality"),
    )
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["org_number", "kind"],
                condition=~Q(org_number=""),
                name="org_number_unique_per_kind",
                violation_error_message=_(
                    "An organisation of this kind with this organisation number exists."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.org_number:
            try:
                self.org_number = rules.normalize_org_number(self.org_number)
            except ValueError as exc:
                errors["org_number"] = str(exc)
        if self.municipality_code:
            try:
                self.municipality_code = rules.validate_kommunkod(self.municipality_code)
            except ValueError as exc:
                errors["municipality_code"] = str(exc)
        if self.kind == OrganisationKind.MUNICIPALITY and not self.municipality_code:
            errors["municipality_code"] = str(_("A municipality needs its municipality code (kommunkod)."))
        if self.counts_as_id and self.kind != OrganisationKind.PRIVATE_CARE_PROVIDER:
            errors["counts_as"] = str(_("Only a private care provider counts as another organisation."))
        if errors:
            raise ValidationError(errors)


class OrganisationGraph(models.Model):
    """The version of the organisation graph (parents and provider links), one row: the scope cache's key.

    Database triggers count it up in the transaction of every change of the graph, bulk writes and
    raw SQL included (migration 0002); nothing in Python writes it.
    """

    version = models.BigIntegerField(default=0)
    nonce = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"organisation graph v{self.version}"


class Location(TenantModel, TimeStampedModel):
    """A place devices stand: a care unit (vårdenhet) of an organisation, or a room in one."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="locations", verbose_name=_("organisation")
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("part of"),
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=LocationKind.choices, default=LocationKind.CARE_UNIT
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=40, help_text=_("Unique within the organisation"))
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        ordering = ["organisation__name", "code"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"],
                name="location_code_unique_per_org",
                violation_error_message=_("This organisation already has a location with this code."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.name})" if self.parent_id is None else self.name

    def clean(self) -> None:
        if self.parent_id is not None:
            parent = self.parent
            if parent is None or parent.organisation_id != self.organisation_id:
                raise ValidationError(
                    {"parent": _("A location's parent must belong to the same organisation.")}
                )
            if self.kind == LocationKind.CARE_UNIT and parent.kind == LocationKind.ROOM:
                raise ValidationError({"parent": _("A care unit cannot be inside a room.")})


class Membership(TenantModel, TimeStampedModel):
    """A user's role in one organisation; a user may have several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                name="membership_unique",
                violation_error_message=_("The user already has this role in this organisation."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.organisation}"


class ApiToken(TimeStampedModel):
    """A named bearer token for scripts, valid until it expires or is revoked; only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
