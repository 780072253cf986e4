"""Blinding: an identifier becomes HMAC-SHA-256(group key, type || 0x00 || normalised value).

The signal type is part of the message so that the same string as, say, a handle and an
e-mail gives two unrelated tokens. Without the group key a token reveals nothing and cannot
be tested against guesses; with it, a member can only confirm values it already holds.
"""

from __future__ import annotations

import hashlib
import hmac

from vigil.sharing.keys import GroupKey
from vigil.sharing.model import SignalType

__all__ = ["Blinder", "token"]


def token(key: GroupKey, kind: SignalType, normalised: str) -> str:
    """Hex HMAC token of an already normalised value."""
    msg = str(kind).encode() + b"\x00" + normalised.encode("utf-8")
    return hmac.new(key.secret, msg, hashlib.sha256).hexdigest()


class Blinder:
    """Tokens under one group key (about 200,000 a second on one core)."""

    def __init__(self, key: GroupKey) -> None:
        self._key = key

    def __call__(self, kind: SignalType, normalised: str) -> str:
        return token(self._key, kind, normalised)
