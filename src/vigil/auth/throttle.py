"""Login throttling: after too many failures per user name or per client address, wait.

Failures are counted in the workbench (so every server process sees them) per key,
``user:<name>`` and ``ip:<address>``, in a sliding window. Once a key reaches its limit
it is locked until the window ends; a successful login clears the user key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from vigil.auth.tables import LoginThrottle

__all__ = ["ThrottlePolicy", "check", "clear", "fail"]


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    user_failures: int = 5
    ip_failures: int = 20
    window: timedelta = timedelta(minutes=15)


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


def _keys(username: str, ip: str, policy: ThrottlePolicy) -> list[tuple[str, int]]:
    return [
        (f"user:{username.strip().lower()[:100]}", policy.user_failures),
        (f"ip:{ip[:100]}", policy.ip_failures),
    ]


def check(session: Session, username: str, ip: str, policy: ThrottlePolicy) -> int:
    """Seconds to wait before another attempt is allowed (0: go ahead)."""
    now = datetime.now(UTC)
    wait = 0
    for key, _limit in _keys(username, ip, policy):
        row = session.get(LoginThrottle, key)
        if row is not None and row.locked_until is not None and _utc(row.locked_until) > now:
            wait = max(wait, int((_utc(row.locked_until) - now).total_seconds()) + 1)
    return wait


def fail(session: Session, username: str, ip: str, policy: ThrottlePolicy) -> None:
    now = datetime.now(UTC)
    for key, limit in _keys(username, ip, policy):
        row = session.get(LoginThrottle, key)
        if row is None:
            row = LoginThrottle(key=key, failures=0, window_start=now, locked_until=None)
            session.add(row)
        elif _utc(row.window_start) + policy.window <= now:
            row.failures, row.window_start, row.locked_until = 0, now, None
        row.failures += 1
        if row.failures >= limit:
            row.locked_until = now + policy.window
    session.flush()


def clear(session: Session, username: str) -> None:
    row = session.get(LoginThrottle, f"user:{username.strip().lower()[:100]}")
    if row is not None:
        session.delete(row)
        session.flush()
