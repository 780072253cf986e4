"""Navigation entries: a router module's ``NAV`` list adds links to the console header."""

from __future__ import annotations

from dataclasses import dataclass

from vigil.auth.permissions import Permission

__all__ = ["NavItem"]


@dataclass(frozen=True, slots=True)
class NavItem:
    """A header link shown to principals holding ``permission`` (None: anyone logged in)."""

    label: str
    path: str
    permission: Permission | None = None
    order: int = 50
