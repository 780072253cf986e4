"""Identifiers extracted from a post's text (phones, emails, handles, ...)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["Identifier", "IdentifierKind"]


class IdentifierKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    URL = "url"
    HANDLE = "handle"
    PAYMENT = "payment"
    CRYPTO = "crypto"
    AGE = "age"
    PRICE = "price"
    PLACE = "place"


@dataclass(frozen=True, slots=True)
class Identifier:
    """One identifier found in a text.

    ``value`` is normalised (E.164 for phones, lower-case for emails,
    ``platform:handle`` for handles, ...); ``raw`` is exactly ``text[start:end]`` of
    the text it was found in. ``attrs`` holds kind-specific attributes (region for a
    phone, currency for a price, coordinates for a place, ...).
    """

    kind: IdentifierKind
    value: str
    raw: str
    start: int
    end: int
    confidence: float = 1.0
    attrs: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "value": self.value,
            "raw": self.raw,
            "start": self.start,
            "end": self.end,
            "confidence": self.confidence,
            **({"attrs": self.attrs} if self.attrs else {}),
        }
