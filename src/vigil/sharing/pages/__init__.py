"""Console pages of sharing (server-rendered; no JavaScript needed)."""

from __future__ import annotations

from vigil.sharing.pages.routes import NAV, router

__all__ = ["NAV", "router"]
