"""Time helpers: every stored time is UTC (SQLite returns it naive; this restores the zone)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

__all__ = ["aware", "new_id", "now"]


def now() -> datetime:
    return datetime.now(UTC)


def aware(at: datetime) -> datetime:
    """``at`` as an aware UTC datetime (naive values from SQLite are UTC)."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def new_id(prefix: str) -> str:
    """A random identifier such as ``q_3f9a0c1b2d4e5f60`` (64 random bits)."""
    return f"{prefix}_{secrets.token_hex(8)}"
