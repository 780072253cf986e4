"""Rate limiting anonymous tips without storing who sent them.

A client is counted under ``HMAC-SHA256(secret_of_the_day, address || day)``. The secret
is random, lives only in this process's memory and is replaced when the UTC day changes,
so yesterday's counters cannot be linked to today's, nothing about an address is ever
written to disk, and once the day is over nobody (not even the operator) can test whether
an address sent a tip. A server running several worker processes limits per process.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime

__all__ = ["RateLimiter"]


class RateLimiter:
    """At most ``limit`` hits per client address and UTC day."""

    def __init__(self, limit: int = 5, clock: Callable[[], datetime] | None = None) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self._clock = clock or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()
        self._day = ""
        self._secret = b""
        self._counts: dict[bytes, int] = {}

    def _key(self, address: str) -> bytes:
        day = self._clock().astimezone(UTC).date().isoformat()
        if day != self._day:  # a new day: forget the secret and every counter
            self._day, self._secret, self._counts = day, secrets.token_bytes(32), {}
        return hmac.new(self._secret, f"{address}|{day}".encode(), hashlib.sha256).digest()

    def hit(self, address: str) -> bool:
        """Count one request; False when the client is over today's limit."""
        with self._lock:
            key = self._key(address)
            count = self._counts.get(key, 0)
            if count >= self.limit:
                return False
            self._counts[key] = count + 1
            return True

    def keys(self) -> list[bytes]:
        """Today's counter keys (opaque digests), for tests and diagnostics."""
        with self._lock:
            return list(self._counts)
