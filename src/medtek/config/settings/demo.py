"""Settings for `make demo`: the local SQLite database under var/, served the way production serves it.

DEBUG is off, gunicorn serves the pages and whitenoise the static files (collected, with hashed names), so
a missing page or a refusal is the product's own Swedish 404 or 403 page, never Django's technical page.
Plain HTTP on this machine: cookies are not marked secure, as there is no TLS in front of the demo.
"""

from .local import *  # noqa: F403

DEBUG = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Served from STATIC_ROOT after `medtek collectstatic`, as in production, not from the source folders.
WHITENOISE_USE_FINDERS = False
