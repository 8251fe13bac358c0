"""Every tenant-owned model is scoped through the one base model (STYLE.md, "Scoping: one choke point").

A model that points at an organisation inherits `TenantModel`, and with it the manager whose
`visible_to(user)` every view, handler and selector goes through; the few that point at an
organisation without being owned by it are named here with the reason.
"""

from __future__ import annotations

from django.apps import apps

from medtek.organizations.models import Organisation, TenantModel
from medtek.organizations.querysets import TenantQuerySet

# model label -> why it is not scoped by itself
NOT_TENANT_OWNED = {
    "inventory.Manufacturer": "a shared catalogue entry; its organisation is the manufacturer's own record",
    "agreements.AgreementContact": "read only through its agreement, which the selector has scoped",
    "agreements.ChangeNotice": "read only through its agreement, which the selector has scoped",
    "agreements.EvaluationAction": "read only through its evaluation's agreement, which its selector scoped",
    "billing.InvoiceSeries": "a seller's number series, locked by the issuing service and never listed",
}


def _points_at_an_organisation(model: type) -> bool:
    return any(
        field.is_relation and field.related_model is Organisation
        for field in model._meta.concrete_fields  # type: ignore[attr-defined]
    )


def test_every_model_that_points_at_an_organisation_is_a_tenant_model_or_a_named_exception() -> None:
    unscoped = [
        model._meta.label
        for model in apps.get_models()
        if _points_at_an_organisation(model)
        and not issubclass(model, TenantModel)
        and model._meta.label not in NOT_TENANT_OWNED
    ]
    assert unscoped == []


def test_the_named_exceptions_still_exist_and_are_not_tenant_models() -> None:
    for label in NOT_TENANT_OWNED:
        model = apps.get_model(label)
        assert _points_at_an_organisation(model) and not issubclass(model, TenantModel), label


def test_every_tenant_model_is_scoped_through_its_manager_along_a_real_path() -> None:
    for model in apps.get_models():
        if not issubclass(model, TenantModel):
            continue
        queryset = model._default_manager.all()
        assert isinstance(queryset, TenantQuerySet), model._meta.label
        # The path resolves (a typo would only fail when a user lists the rows).
        str(queryset.filter(**{f"{model.tenant_field}__any_of": [1]}).query)
        if model.assistive_field:
            str(queryset.filter(**{model.assistive_field: True}).query)
        if model.party_field:
            str(queryset.filter(**{f"{model.party_field}__any_of": [1]}).query)
