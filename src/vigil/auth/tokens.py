"""API tokens for integrations: ``vgl_<id>_<secret>``, scoped, expiring, revocable.

Only the SHA-256 of the secret is stored (the secret has 256 bits of entropy, so a slow
hash adds nothing). A token's scopes are permissions; the effective permissions are the
scopes intersected with the owner's roles, so a token never outgrows its user.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.audit import record
from vigil.auth.permissions import Permission, Role, permissions_of
from vigil.auth.tables import ApiToken, User

__all__ = [
    "IssuedToken",
    "TokenError",
    "auth_changed",
    "auth_generation",
    "issue_token",
    "list_tokens",
    "resolve_token",
    "revoke_token",
]

PREFIX = "vgl_"


class TokenError(ValueError):
    """A token cannot be issued or revoked; the message says why."""


@dataclass(frozen=True, slots=True)
class IssuedToken:
    id: str
    token: str  # shown once
    scopes: tuple[str, ...]
    expires_at: datetime | None


_generation = [0]


def auth_generation() -> int:
    """A counter that :func:`auth_changed` bumps (read by the web layer's token cache)."""
    return _generation[0]


def auth_changed() -> None:
    """Something that resolved tokens depend on changed in this process (a token was
    revoked, an account disabled): cached principals are dropped."""
    _generation[0] += 1


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_scopes(names: Iterable[str], roles: Iterable[str]) -> list[Permission]:
    granted = permissions_of(frozenset(Role(r) for r in roles))
    scopes: list[Permission] = []
    for name in names:
        try:
            perm = Permission(name.strip())
        except ValueError:
            raise TokenError(f"unknown scope {name!r}: scopes are permission names") from None
        if perm not in granted:
            raise TokenError(f"scope {perm.value!r} is not granted to the token's user")
        scopes.append(perm)
    if not scopes:
        raise TokenError("a token needs at least one scope")
    return sorted(set(scopes))


def issue_token(
    session: Session,
    user: User,
    name: str,
    scopes: Iterable[str],
    *,
    days: int | None = 90,
    actor: str = "system",
) -> IssuedToken:
    perms = parse_scopes(scopes, user.roles)
    token_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    expires = now + timedelta(days=days) if days else None
    session.add(
        ApiToken(
            id=token_id,
            user_id=user.id,
            name=name[:100],
            secret_hash=_digest(secret),
            scopes=[p.value for p in perms],
            created_at=now,
            expires_at=expires,
        )
    )
    record(
        session,
        actor=actor,
        action="token.issue",
        object_type="api_token",
        object_id=token_id,
        detail={"user": user.username, "scopes": [p.value for p in perms], "name": name[:100]},
    )
    session.flush()
    return IssuedToken(
        token_id, f"{PREFIX}{token_id}_{secret}", tuple(p.value for p in perms), expires
    )


def resolve_token(session: Session, token: str) -> tuple[User, ApiToken] | None:
    """The token's user and row when it is well-formed, known, live and the user enabled."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    token_id, sep, secret = token[len(PREFIX) :].partition("_")
    if not sep or not token_id or not secret:
        return None
    row = session.get(ApiToken, token_id)
    if row is None or not hmac.compare_digest(row.secret_hash, _digest(secret)):
        return None
    now = datetime.now(UTC)
    if row.revoked_at is not None:
        return None
    if row.expires_at is not None:
        expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
        if expires <= now:
            return None
    user = session.get(User, row.user_id)
    if user is None or user.disabled:
        return None
    last = row.last_used
    if last is None or (last if last.tzinfo else last.replace(tzinfo=UTC)) < now - timedelta(
        minutes=1
    ):
        row.last_used = now  # at most one write a minute per token, not one per request
    return user, row


def revoke_token(session: Session, token_id: str, *, actor: str = "system") -> None:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise TokenError(f"no token {token_id!r}")
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        auth_changed()
        record(
            session, actor=actor, action="token.revoke", object_type="api_token", object_id=token_id
        )


def list_tokens(session: Session, user_id: int | None = None) -> list[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.created_at)
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    return list(session.execute(query).scalars().all())
