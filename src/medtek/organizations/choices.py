from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    REGION = "region", _("Region")
    MT_DEPARTMENT = "mt_department", _("MT department")
    MUNICIPALITY = "municipality", _("Municipality")
    PRIVATE_CARE_PROVIDER = "private_care_provider", _("Private care provider")
    AID_ORGANISATION = "aid_organisation", _("Aid organisation")
    SUPPLIER = "supplier", _("Supplier")
    MANUFACTURER = "manufacturer", _("Manufacturer")


class LocationKind(models.TextChoices):
    CARE_UNIT = "care_unit", _("Care unit")
    ROOM = "room", _("Room")
    STORE = "store", _("Store")


class Role(models.TextChoices):
    MT_ADMIN = "mt_admin", _("MT admin")
    MT_TECHNICIAN = "mt_technician", _("MT technician")
    CUSTOMER_CONTACT = "customer_contact", _("Customer contact")
    AUDITOR = "auditor", _("Auditor")
    FINANCE = "finance", _("Finance")
    HMC_STAFF = "hmc_staff", _("HMC staff")
    PRESCRIBER = "prescriber", _("Prescriber (förskrivare)")


class EventKind:
    """Kinds of events the organisations app writes."""

    ORGANISATION_CREATED = "organisation.created"
    ORGANISATION_UPDATED = "organisation.updated"
    LOCATION_CREATED = "location.created"
    MEMBERSHIP_GRANTED = "membership.granted"
    TOKEN_CREATED = "token.created"
    TOKEN_REVOKED = "token.revoked"
