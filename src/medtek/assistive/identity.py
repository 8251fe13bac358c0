"""Patient identities at rest: Fernet encryption and a keyed look-up hash, both from MEDTEK_PATIENT_KEY.

Only this module sees the key; the identity leaves it only to the selector that shows it (and logs the
look) — never to a URL, a log line, an event or an error message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"medtek patient identity", info=purpose).derive(
        secret.encode()
    )


@lru_cache(maxsize=4)
def _keys(secret: str) -> tuple[Fernet, bytes]:
    if not secret:
        raise ImproperlyConfigured("MEDTEK_PATIENT_KEY is not set: patient identities cannot be stored.")
    fernet = Fernet(base64.urlsafe_b64encode(_derive(secret, b"encryption")))
    return fernet, _derive(secret, b"lookup")


def _current() -> tuple[Fernet, bytes]:
    return _keys(str(getattr(settings, "MEDTEK_PATIENT_KEY", "")))


def encrypt(identity: str) -> str:
    return _current()[0].encrypt(identity.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _current()[0].decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("A patient identity does not open with MEDTEK_PATIENT_KEY.") from exc


def lookup_hash(identity: str) -> str:
    """The keyed hash (HMAC-SHA256) a normalised identity is found by."""
    return hmac.new(_current()[1], identity.encode(), hashlib.sha256).hexdigest()
