from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceStatus(models.TextChoices):
    IN_USE = "in_use", _("In use")
    OUT_OF_SERVICE = "out_of_service", _("Out of service")
    UNDER_REPAIR = "under_repair", _("Under repair")
    BLOCKED = "blocked", _("Blocked from use")
    SURPLUS = "surplus", _("Surplus")
    DECOMMISSIONED = "decommissioned", _("Decommissioned")
    DONATED = "donated", _("Donated")
    SOLD = "sold", _("Sold")
    TRADED_IN = "traded_in", _("Traded in")
    SCRAPPED = "scrapped", _("Scrapped")
    IN_STOCK = "in_stock", _("In stock")
    ON_LOAN = "on_loan", _("On loan")
    RETURNED = "returned", _("Returned")
    RECONDITIONING = "reconditioning", _("In reconditioning")


class MaintenanceResponsibility(models.TextChoices):
    MT = "mt", _("MT")
    EXTERNAL = "external", _("External party")


class RiskClass(models.TextChoices):
    I = "I", "I"  # noqa: E741
    IIA = "IIa", "IIa"
    IIB = "IIb", "IIb"
    III = "III", "III"


class NomenclatureSystem(models.TextChoices):
    EMDN = "EMDN", "EMDN"
    GMDN = "GMDN", "GMDN"


class EventKind:
    """Kinds of device events written by the register (other apps add their own, e.g. 'workorder.closed')."""

    CREATED = "device.created"
    UPDATED = "device.updated"
    MOVED = "device.moved"
    OWNER_CHANGED = "device.owner_changed"
    STATUS_CHANGED = "device.status_changed"
    IMPORTED = "device.imported"
