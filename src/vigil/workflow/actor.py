"""Who is acting: a name, roles and teams, with the permission check the services use."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from vigil.auth.permissions import Permission, Role, permissions_of
from vigil.workflow.errors import Forbidden

__all__ = ["Actor", "actor_for_user"]


@dataclass(frozen=True, slots=True)
class Actor:
    """The person behind a service call (from the console's login or the CLI's options)."""

    name: str
    roles: frozenset[Role]
    teams: frozenset[str] = field(default_factory=frozenset)
    audit_as: str | None = None  # the audit log's actor string (default ``user:<name>``)
    permissions: frozenset[Permission] | None = None  # narrower than the roles (API tokens)

    @classmethod
    def of(
        cls, name: str, roles: Iterable[Role | str], teams: Iterable[str] = (), **extra: Any
    ) -> Actor:
        return cls(name, frozenset(Role(r) for r in roles), frozenset(teams), **extra)

    @classmethod
    def from_principal(cls, principal: Any, *, via: str | None = None) -> Actor:
        """Build from :class:`vigil.auth.principal.Principal` (its scopes narrow the roles)."""
        audit = str(principal.actor) + (f" via {via}" if via else "")
        return cls.of(
            str(principal.username),
            principal.roles,
            getattr(principal, "teams", ()) or (),
            audit_as=audit,
            permissions=frozenset(principal.permissions),
        )

    @property
    def audit(self) -> str:
        return self.audit_as or f"user:{self.name}"

    def can(self, permission: Permission) -> bool:
        granted = permissions_of(self.roles)
        if self.permissions is not None:
            granted &= self.permissions
        return permission in granted

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise Forbidden(f"{self.name} may not do this: it needs the {permission} permission")

    def require_team(self, team: str, what: str) -> None:
        if team not in self.teams:
            raise Forbidden(f"{self.name} is not on team {team!r}, which {what} belongs to")


def actor_for_user(session: Any, username: str, *, via: str = "cli") -> Actor:
    """The actor of an existing, enabled account (roles and teams from the workbench)."""
    from vigil.auth.accounts import get_user, principal_for

    user = get_user(session, username)
    if user is None:
        raise Forbidden(f"no account {username!r}: an administrator creates it first")
    if user.disabled:
        raise Forbidden(f"account {username!r} is disabled")
    return Actor.from_principal(principal_for(session, user), via=via)
