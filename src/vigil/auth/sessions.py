"""Browser sessions: random cookie values, stored as SHA-256, with idle and absolute expiry."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from vigil.auth.tables import User, WebSession

__all__ = ["create_session", "resolve_session", "revoke_session", "revoke_user_sessions"]

ABSOLUTE = timedelta(hours=12)
IDLE = timedelta(hours=2)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


def create_session(session: Session, user: User) -> str:
    """Start a session for ``user``; return the cookie value (shown once, never stored)."""
    value = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    session.add(
        WebSession(
            id_hash=_digest(value),
            user_id=user.id,
            created_at=now,
            expires_at=now + ABSOLUTE,
            last_seen=now,
        )
    )
    session.flush()
    return value


def resolve_session(session: Session, value: str) -> User | None:
    """The user of a live session, or None (unknown, expired, idle too long, user disabled)."""
    if not value or len(value) > 128:
        return None
    row = session.get(WebSession, _digest(value))
    if row is None:
        return None
    now = datetime.now(UTC)
    if _utc(row.expires_at) <= now or _utc(row.last_seen) + IDLE <= now:
        session.delete(row)
        return None
    user = session.get(User, row.user_id)
    if user is None or user.disabled:
        return None
    if now - _utc(row.last_seen) > timedelta(minutes=1):
        row.last_seen = now
    return user


def revoke_session(session: Session, value: str) -> None:
    session.execute(delete(WebSession).where(WebSession.id_hash == _digest(value)))


def revoke_user_sessions(session: Session, user_id: int) -> None:
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))


def active_sessions(session: Session, user_id: int) -> int:
    rows = session.execute(select(WebSession.id_hash).where(WebSession.user_id == user_id))
    return len(rows.all())
