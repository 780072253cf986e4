"""Who is asking: the authenticated user, their roles, teams and effective permissions."""

from __future__ import annotations

from dataclasses import dataclass

from vigil.auth.permissions import Permission, Role, permissions_of

__all__ = ["Principal"]


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller.

    ``via`` is ``session`` (browser cookie) or ``token`` (API token). A token's
    ``scopes`` narrow the user's permissions; they never widen them.
    """

    user_id: int
    username: str
    roles: frozenset[Role]
    teams: frozenset[str] = frozenset()
    via: str = "session"
    scopes: frozenset[Permission] | None = None
    token_id: str | None = None

    @property
    def permissions(self) -> frozenset[Permission]:
        granted = permissions_of(self.roles)
        return granted if self.scopes is None else granted & self.scopes

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    @property
    def actor(self) -> str:
        """The audit log's actor string: ``user:<name>`` or ``token:<id>(<name>)``."""
        if self.via == "token":
            return f"user:{self.username} token:{self.token_id}"
        return f"user:{self.username}"
