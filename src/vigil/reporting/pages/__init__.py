"""Console pages of reporting (server-rendered; no JavaScript needed)."""

from __future__ import annotations

from vigil.reporting.pages.routes import NAV, router

__all__ = ["NAV", "router"]
