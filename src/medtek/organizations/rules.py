"""Pure rules of organisations and roles: identifiers and what each role may do."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr

from medtek.organizations.choices import Role

# SCB municipality codes: two digits of county (01-25) and two of municipality.
KOMMUNKOD_LENGTH = 4


class Cap:
    """Capabilities a membership can grant; scoping asks for one of these."""

    VIEW = "view"
    REGISTER_EDIT = "register.edit"
    REGISTER_IMPORT = "register.import"
    WORK_REPORT = "work.report"  # report a fault, ask for advice
    WORK_DO = "work.do"  # accept, work on and close work orders
    WORK_MANAGE = "work.manage"  # triage, assign, plan PM
    CONFIG_MANAGE = "config.manage"  # priority models, protocols
    SURPLUS_REGISTER = "surplus.register"
    SURPLUS_DECIDE = "surplus.decide"
    AGREEMENT_VIEW = "agreement.view"
    AGREEMENT_MANAGE = "agreement.manage"
    BILLING_VIEW = "billing.view"
    BILLING_MANAGE = "billing.manage"
    BILLING_EXPORT = "billing.export"
    ASSISTIVE_MANAGE = "assistive.manage"
    PATIENT_VIEW = "patient.view"
    ASSISTIVE_PRESCRIBE = "assistive.prescribe"


ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.MT_ADMIN: frozenset(
        {
            Cap.VIEW,
            Cap.REGISTER_EDIT,
            Cap.REGISTER_IMPORT,
            Cap.WORK_REPORT,
            Cap.WORK_DO,
            Cap.WORK_MANAGE,
            Cap.CONFIG_MANAGE,
            Cap.SURPLUS_REGISTER,
            Cap.SURPLUS_DECIDE,
            Cap.AGREEMENT_VIEW,
            Cap.AGREEMENT_MANAGE,
            Cap.BILLING_VIEW,
            Cap.BILLING_MANAGE,
            Cap.BILLING_EXPORT,
        }
    ),
    Role.MT_TECHNICIAN: frozenset(
        {Cap.VIEW, Cap.REGISTER_EDIT, Cap.WORK_REPORT, Cap.WORK_DO, Cap.SURPLUS_REGISTER}
    ),
    Role.CUSTOMER_CONTACT: frozenset(
        {Cap.VIEW, Cap.WORK_REPORT, Cap.SURPLUS_REGISTER, Cap.AGREEMENT_VIEW, Cap.BILLING_VIEW}
    ),
    Role.AUDITOR: frozenset({Cap.VIEW, Cap.AGREEMENT_VIEW, Cap.BILLING_VIEW}),
    Role.FINANCE: frozenset({Cap.VIEW, Cap.AGREEMENT_VIEW, Cap.BILLING_VIEW, Cap.BILLING_EXPORT}),
    Role.HMC_STAFF: frozenset(
        {
            Cap.VIEW,
            Cap.REGISTER_EDIT,
            Cap.WORK_REPORT,
            Cap.WORK_DO,
            Cap.SURPLUS_REGISTER,
            Cap.SURPLUS_DECIDE,
            Cap.ASSISTIVE_MANAGE,
            Cap.PATIENT_VIEW,
        }
    ),
    # An occupational therapist or physiotherapist of a municipality or region unit (förskrivare).
    Role.PRESCRIBER: frozenset({Cap.VIEW, Cap.ASSISTIVE_PRESCRIBE, Cap.PATIENT_VIEW}),
}

# Roles that reach only the assistive devices of the organisations they reach (HMC staff): a device
# of another kind is not in their lists, and a change to one is refused with ASSISTIVE_ONLY_REFUSAL.
ASSISTIVE_ONLY_ROLES = frozenset({Role.HMC_STAFF})

StrOrPromise = str | Promise

# Why a user who may see an object may not do this to it: the 403 answer's detail.
REFUSALS: dict[str, StrOrPromise] = {
    Cap.VIEW: _("You may not see this."),
    Cap.REGISTER_EDIT: _("Your role may not change the device register."),
    Cap.REGISTER_IMPORT: _("Your role may not import devices."),
    Cap.WORK_REPORT: _("Your role may not report faults or ask for advice."),
    Cap.WORK_DO: _("Your role may not work on work orders."),
    Cap.WORK_MANAGE: _("Your role may not triage, assign or plan work."),
    Cap.CONFIG_MANAGE: _("Only an MT admin may change this."),
    Cap.SURPLUS_REGISTER: _("Your role may not register surplus equipment."),
    Cap.SURPLUS_DECIDE: _("Your role may not assess or decide surplus equipment."),
    Cap.AGREEMENT_VIEW: _("Your role may not see agreements."),
    Cap.AGREEMENT_MANAGE: _("Your role may not manage agreements."),
    Cap.BILLING_VIEW: _("Your role may not see invoices."),
    Cap.BILLING_MANAGE: _("Your role may not run billing or issue invoices."),
    Cap.BILLING_EXPORT: _("Only finance and MT admins may export a billing run's invoices."),
    Cap.ASSISTIVE_MANAGE: _("Your role may not manage assistive devices."),
    Cap.PATIENT_VIEW: _("Your role may not see patient details."),
    Cap.ASSISTIVE_PRESCRIBE: _("Your role may not prescribe assistive devices."),
}

ASSISTIVE_ONLY_REFUSAL = _("HMC staff may change assistive devices only.")


def refusal(capability: str) -> str:
    """The reason a user is refused `capability` on an object it may see."""
    return str(REFUSALS.get(capability, _("Your role may not do this.")))


# Roles held at a provider (MT/HMC) that reach the organisations the provider serves.
PROVIDER_ROLES = frozenset({Role.MT_ADMIN, Role.MT_TECHNICIAN, Role.AUDITOR, Role.FINANCE, Role.HMC_STAFF})


def normalize_org_number(value: str) -> str:
    """A Swedish organisation number as NNNNNN-NNNN, or ValueError with the reason."""
    try:
        return str(orgnr.format(orgnr.validate(value)))
    except StdnumError as exc:
        raise ValueError(f"'{value}' is not a valid Swedish organisation number ({exc})") from exc


def org_number_digits(value: str) -> str:
    """The ten digits, as Peppol's scheme 0007 wants them."""
    return str(orgnr.compact(value))


def validate_kommunkod(value: str) -> str:
    value = value.strip()
    if len(value) != KOMMUNKOD_LENGTH or not value.isdigit():
        raise ValueError(f"'{value}' is not a municipality code: four digits, e.g. 2326 for Berg")
    county = int(value[:2])
    if not 1 <= county <= 25:
        raise ValueError(f"'{value}' is not a municipality code: the county part must be 01-25")
    return value


def capabilities_of(role: str) -> frozenset[str]:
    return ROLE_CAPABILITIES.get(role, frozenset())
