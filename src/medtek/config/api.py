"""The JSON API under /api/v1/: one NinjaAPI that mounts each app's router."""

from __future__ import annotations

import importlib

from ninja import NinjaAPI

from medtek.core.api import install_exception_handlers
from medtek.core.renderers import ORJSONRenderer
from medtek.organizations.auth import BearerToken, SessionAuth

api = NinjaAPI(
    title="medtek API",
    version="1",
    description="The register, maintenance, agreements, billing and end of life of medical devices. "
    "Authenticate with `Authorization: Bearer TOKEN` (`medtek token create USERNAME`) or a browser session.",
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
    renderer=ORJSONRenderer(),
)
install_exception_handlers(api)

# Each app's api.py exposes `router`; they are mounted in the order of a device's life.
for app, prefix in [
    ("organizations", "/"),
    ("inventory", "/"),
    ("maintenance", "/maintenance/"),
    ("agreements", "/agreements/"),
    ("billing", "/billing/"),
    ("decommissioning", "/decommissioning/"),
    ("assistive", "/assistive/"),
    ("safety", "/safety/"),
    ("notifications", "/notifications/"),
    ("reports", "/reports/"),
]:
    try:
        module = importlib.import_module(f"medtek.{app}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"medtek.{app}.api":
            raise
        continue
    api.add_router(prefix, module.router)

# The agreement follow-up reads every app, so it is the reports'; it keeps its path under /billing/.
api.add_router("/billing/", importlib.import_module("medtek.reports.api").billing_router)
