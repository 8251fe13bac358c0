"""A service's refusal, by field: what a page's form and the API's 422 both show."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def messages_by_field(exc: ValidationError) -> dict[str, list[str]]:
    """`{field: [message, ...]}`, with messages that belong to no field under `__all__`."""
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}
