"""Demo organisations, locations and users (one per role; password `demo`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from stdnum import luhn

from medtek.organizations.choices import LocationKind, OrganisationKind, Role
from medtek.organizations.models import Location, Membership, Organisation

DEMO_PASSWORD = "demo"

# The eight municipalities of the Jämtland agreement: (name, login, kommunkod, short code).
MUNICIPALITIES = [
    ("Bergs kommun", "berg", "2326", "BERG"),
    ("Bräcke kommun", "bracke", "2305", "BRACKE"),
    ("Härjedalens kommun", "harjedalen", "2361", "HARJEDALEN"),
    ("Krokoms kommun", "krokom", "2309", "KROKOM"),
    ("Ragunda kommun", "ragunda", "2303", "RAGUNDA"),
    ("Strömsunds kommun", "stromsund", "2313", "STROMSUND"),
    ("Åre kommun", "are", "2321", "ARE"),
    ("Östersunds kommun", "ostersund", "2380", "OSTERSUND"),
]

CARE_UNITS = ["Särskilt boende", "Korttidsboende", "Hemsjukvården"]


def orgnr(base9: str) -> str:
    """A valid organisation number from nine digits (demo data only)."""
    digits = base9 + luhn.calc_check_digit(base9)
    return f"{digits[:6]}-{digits[6:]}"


def _org(code: str, **fields: Any) -> Organisation:
    org, _ = Organisation.objects.update_or_create(short_code=code, defaults=fields)
    return org


def _user(ctx: dict[str, Any], username: str, first: str, last: str, org: Organisation, role: str) -> Any:
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@example.se"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    Membership.objects.get_or_create(user=user, organisation=org, role=role)
    ctx["users"][username] = user
    return user


def load(ctx: dict[str, Any]) -> None:
    orgs: dict[str, Organisation] = ctx.setdefault("orgs", {})
    ctx.setdefault("users", {})
    ctx.setdefault("locations", {})

    rjh = _org(
        "RJH",
        name="Region Jämtland Härjedalen",
        kind=OrganisationKind.REGION,
        org_number="232100-0214",
        street_address="Box 654",
        postal_code="831 27",
        city="Östersund",
    )
    mt = _org(
        "MT-RJH",
        name="Medicinsk Teknik, Region Jämtland Härjedalen",
        kind=OrganisationKind.MT_DEPARTMENT,
        parent=rjh,
        street_address="Östersunds sjukhus",
        postal_code="831 83",
        city="Östersund",
        email="mt@regionjh.example",
    )
    orgs.update(RJH=rjh, MT=mt)
    for name, login, kommunkod, code in MUNICIPALITIES:
        municipality = _org(
            code,
            name=name,
            kind=OrganisationKind.MUNICIPALITY,
            municipality_code=kommunkod,
            org_number=orgnr("212000" + kommunkod[1:]),
            city=name.split()[0].rstrip("s"),
            email=f"mas@{login}.example",
        )
        municipality.providers.add(mt)
        orgs[code] = municipality
        for i, unit in enumerate(CARE_UNITS, start=1):
            loc, _ = Location.objects.get_or_create(
                organisation=municipality,
                code=f"{code}-{i:02d}",
                defaults={"name": f"{unit} {name.split()[0]}", "kind": LocationKind.CARE_UNIT},
            )
            ctx["locations"].setdefault(code, []).append(loc)
        contact_first = login.capitalize()
        _user(ctx, login, contact_first, "MAS", municipality, Role.CUSTOMER_CONTACT)
    private = _org(
        "VARDA-OSD",
        name="Vårda Omsorg AB (Östersund)",
        kind=OrganisationKind.PRIVATE_CARE_PROVIDER,
        org_number=orgnr("556012345"),
        counts_as=orgs["OSTERSUND"],
    )
    private.providers.add(mt)
    orgs["VARDA"] = private

    halland = _org(
        "RH",
        name="Region Halland",
        kind=OrganisationKind.REGION,
        org_number=orgnr("232100011"),
        city="Halmstad",
    )
    mth = _org(
        "MTH",
        name="Medicinsk Teknik Halland (MTH)",
        kind=OrganisationKind.MT_DEPARTMENT,
        parent=halland,
        city="Halmstad",
    )
    hmc = _org(
        "HMC",
        name="Hjälpmedelscentrum Halland (HMC)",
        kind=OrganisationKind.MT_DEPARTMENT,
        parent=halland,
        city="Halmstad",
    )
    halland.providers.add(mth, hmc)
    orgs.update(RH=halland, MTH=mth, HMC=hmc)
    for code, name in [
        ("HS-HALM-RTG", "Hallands sjukhus Halmstad, Röntgen"),
        ("HS-HALM-AVD12", "Hallands sjukhus Halmstad, Avdelning 12"),
        ("HS-VARB-OP", "Hallands sjukhus Varberg, Operation"),
    ]:
        loc, _ = Location.objects.get_or_create(
            organisation=halland, code=code, defaults={"name": name, "kind": LocationKind.CARE_UNIT}
        )
        ctx["locations"].setdefault("RH", []).append(loc)

    orgs["HUMAN-BRIDGE"] = _org(
        "HUMAN-BRIDGE",
        name="Human Bridge",
        kind=OrganisationKind.AID_ORGANISATION,
        org_number=orgnr("802014927"),
        city="Linköping",
    )
    orgs["SUPPLIER-MEDIQ"] = _org(
        "SUPPLIER-MEDIQ",
        name="Nordic Medical Supply AB",
        kind=OrganisationKind.SUPPLIER,
        org_number=orgnr("556034567"),
        city="Göteborg",
    )
    orgs["SUPPLIER-IMAGING"] = _org(
        "SUPPLIER-IMAGING",
        name="Scandinavian Imaging AB",
        kind=OrganisationKind.SUPPLIER,
        org_number=orgnr("556045678"),
        city="Stockholm",
    )
    orgs["SERVICE-EXT"] = _org(
        "SERVICE-EXT",
        name="Röntgenservice Norr AB",
        kind=OrganisationKind.SUPPLIER,
        org_number=orgnr("556056789"),
        city="Umeå",
    )

    _user(ctx, "mt-admin", "Maria", "Andersson", mt, Role.MT_ADMIN)
    _user(ctx, "mt-tech", "Erik", "Lind", mt, Role.MT_TECHNICIAN)
    _user(ctx, "auditor", "Anna", "Revisor", mt, Role.AUDITOR)
    _user(ctx, "finance", "Per", "Ekonom", mt, Role.FINANCE)
    _user(ctx, "mth", "Karin", "Holm", mth, Role.MT_ADMIN)
    _user(ctx, "mth-tech", "Johan", "Berg", mth, Role.MT_TECHNICIAN)
    _user(ctx, "hmc", "Lena", "Nyström", hmc, Role.HMC_STAFF)
    _user(ctx, "halland-unit", "Sofia", "Avdelningschef", halland, Role.CUSTOMER_CONTACT)
