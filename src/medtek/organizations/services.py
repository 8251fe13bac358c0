"""Writes to organisations, locations, memberships and API tokens."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medtek.core.events import record_event
from medtek.organizations.choices import EventKind
from medtek.organizations.models import ApiToken, Location, Membership, Organisation
from medtek.organizations.rules import Cap
from medtek.organizations.scoping import forget_scope, scope_for
from medtek.organizations.system import system_actor

ORG_FIELDS = (
    "name",
    "kind",
    "org_number",
    "municipality_code",
    "short_code",
    "street_address",
    "postal_code",
    "city",
    "email",
    "active",
)


@transaction.atomic
def organisation_create(
    *,
    user: Any,
    parent: Organisation | None = None,
    providers: list[Organisation] | None = None,
    counts_as: Organisation | None = None,
    **fields: Any,
) -> Organisation:
    """Register an organisation; the acting MT admin's department serves it unless providers are given."""
    if user is not None:
        scope_for(user).require(Cap.CONFIG_MANAGE)
    unknown = set(fields) - set(ORG_FIELDS)
    if unknown:
        raise ValidationError({f: _("Unknown field.") for f in sorted(unknown)})
    org = Organisation(parent=parent, counts_as=counts_as, **fields)
    org.full_clean()
    org.save()
    if not providers and user is not None:
        scope = scope_for(user)
        providers = list(
            Organisation.objects.filter(
                pk__in=[o for o in scope.home_org_ids if scope.can(Cap.CONFIG_MANAGE, o)]
            )
        )
    if providers:
        org.providers.set(providers)
    record_event(
        kind=EventKind.ORGANISATION_CREATED,
        subject=org,
        actor=user,
        data={"name": org.name, "kind": org.kind},
    )
    if user is not None:
        forget_scope(user)
    return org


@transaction.atomic
def organisation_update(*, user: Any, organisation: Organisation, **changes: Any) -> Organisation:
    scope_for(user).require(Cap.CONFIG_MANAGE)
    org = Organisation.objects.select_for_update().get_visible(user, Cap.CONFIG_MANAGE, pk=organisation.pk)
    unknown = set(changes) - set(ORG_FIELDS)
    if unknown:
        raise ValidationError({f: _("This field cannot be changed here.") for f in sorted(unknown)})
    before = {k: getattr(org, k) for k in changes}
    for key, value in changes.items():
        setattr(org, key, value)
    org.full_clean()
    org.save()
    record_event(
        kind=EventKind.ORGANISATION_UPDATED,
        subject=org,
        actor=user,
        data={"before": before, "after": changes},
    )
    return org


@transaction.atomic
def location_create(
    *,
    user: Any,
    organisation: Organisation,
    name: str,
    code: str,
    kind: str = "care_unit",
    parent: Location | None = None,
    address: str = "",
) -> Location:
    """Add a care unit or a room to an organisation."""
    if user is not None:
        scope_for(user).require(Cap.REGISTER_EDIT, organisation.pk)
    location = Location(
        organisation=organisation, name=name, code=code, kind=kind, parent=parent, address=address
    )
    location.full_clean()
    location.save()
    record_event(
        kind=EventKind.LOCATION_CREATED,
        subject=location,
        actor=user,
        data={"name": name, "code": code},
    )
    return location


@transaction.atomic
def membership_grant(*, user: Any, member: Any, organisation: Organisation, role: str) -> Membership:
    if user is not None:
        scope_for(user).require(Cap.CONFIG_MANAGE)
    membership = Membership(user=member, organisation=organisation, role=role)
    membership.full_clean()
    membership.save()
    record_event(
        kind=EventKind.MEMBERSHIP_GRANTED,
        subject=membership,
        actor=user,
        data={"user": member.username, "role": role},
    )
    forget_scope(member)
    return membership


@transaction.atomic
def token_create(*, username: str, name: str = "") -> tuple[ApiToken, str]:
    """A new API token for `username`, valid MEDTEK_TOKEN_DAYS days; the key is returned once and only its
    hash is kept."""
    User = get_user_model()
    try:
        user = User.objects.get(username=username)
    except User.DoesNotExist as exc:
        raise ValidationError({"username": _("No user named '%(name)s'.") % {"name": username}}) from exc
    key = "mtk_" + secrets.token_urlsafe(32)
    expires_at = timezone.now() + dt.timedelta(days=settings.MEDTEK["TOKEN_DAYS"])
    token = ApiToken(
        user=user, name=name, key_hash=ApiToken.hash_key(key), prefix=key[:8], expires_at=expires_at
    )
    token.full_clean()
    token.save()
    record_event(
        kind=EventKind.TOKEN_CREATED,
        subject=token,
        actor=system_actor(),
        data={"user": username, "name": name, "expires_at": expires_at},
    )
    return token, key


@transaction.atomic
def token_revoke(*, prefix: str) -> ApiToken:
    """Revoke the token whose key starts with `prefix` (as `medtek token list` shows it), at once."""
    tokens = list(ApiToken.objects.select_for_update().filter(prefix=prefix[:8], revoked=False))
    if len(tokens) != 1:
        raise ValidationError(
            {"prefix": _("No single valid token starts with '%(prefix)s'.") % {"prefix": prefix}}
        )
    token = tokens[0]
    token.revoked = True
    token.save(update_fields=["revoked", "updated_at"])
    record_event(kind=EventKind.TOKEN_REVOKED, subject=token, actor=system_actor(), data={"name": token.name})
    return token
