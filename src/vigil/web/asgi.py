"""ASGI entry point for uvicorn: settings from the environment (``VIGIL_*``, ``VIGIL_WEB_*``)."""

from __future__ import annotations

from vigil.web.app import create_app

app = create_app()
