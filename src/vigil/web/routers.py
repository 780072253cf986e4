"""Every router of the app, as ``"module:attribute"`` import strings.

Domain packages append their own entries here (the only edit they make to vigil.web).
A router module may also define ``NAV = [NavItem(...)]`` to add links to the console's
navigation, and ``MIDDLEWARE = (cls, ...)``: pure-ASGI classes built as
``cls(app, fastapi_app=...)`` and installed inside the security middleware, so they see
the resolved principal (the score route's fast lane is one). Templates are found in
``vigil/<domain>/templates/`` and static files in ``vigil/<domain>/static/`` (served
under ``/static/<domain>/``).
"""

from __future__ import annotations

ROUTERS: tuple[str, ...] = (
    "vigil.web.pages.auth:router",
    "vigil.web.pages.console:router",
    "vigil.web.pages.account:router",
    "vigil.web.api.meta:router",
    "vigil.web.api.posts:router",
    "vigil.web.api.score:router",
    "vigil.web.api.clusters:router",
    "vigil.web.api.identifiers:router",
    "vigil.workflow.web.tipsite:router",
    "vigil.workflow.web.queue_pages:router",
    "vigil.workflow.web.case_pages:router",
    "vigil.workflow.web.api:router",
    "vigil.sharing.web:router",
    "vigil.reporting.web:router",
    "vigil.legal.web.api:router",
    "vigil.legal.web.pages:router",
    "vigil.sharing.pages:router",
    "vigil.reporting.pages:router",
    "vigil.geo.web.api:router",
    "vigil.geo.web.pages:router",
)
