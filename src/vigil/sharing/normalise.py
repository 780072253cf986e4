"""Normalise a signal value exactly as vigil's extractors normalise what they find.

Both sides of an exchange must write one identifier the same way before hashing it, or the
HMAC tokens will differ. The rules are the extractors' own (``vigil.extract``): E.164 for
phones, lower-case e-mail, ``platform:handle``, ``service:handle`` for payment ids,
``chain:address`` for crypto, scheme and host lower-cased for URLs. PDQ hashes are 64
lower-case hex digits; text template hashes are lower-case hex digests.
"""

from __future__ import annotations

import string

from vigil.extract.crypto import classify, normalize_crypto
from vigil.extract.email import normalize_email
from vigil.extract.handle import normalize_handle
from vigil.extract.payment import normalize_payment
from vigil.extract.phone import normalize_phone
from vigil.extract.url import normalize_url
from vigil.sharing.model import SignalType

__all__ = ["MAX_VALUE", "SignalValueError", "normalise"]

MAX_VALUE = 2048
_HEX = frozenset(string.hexdigits.lower())


class SignalValueError(ValueError):
    """A value that cannot be a signal of the given type."""


def _is_hex(value: str) -> bool:
    return bool(value) and set(value) <= _HEX


def _prefixed(value: str, what: str) -> tuple[str, str]:
    prefix, sep, rest = value.strip().partition(":")
    if not sep or not prefix.strip() or not rest.strip():
        raise SignalValueError(f"{what} must be written as prefix:value, got {value!r}")
    return prefix.strip(), rest.strip()


def normalise(kind: SignalType, value: str, *, region: str = "US") -> str:
    """The canonical form of ``value``; raises :class:`SignalValueError` when it is not valid."""
    if not isinstance(value, str) or not value.strip():
        raise SignalValueError(f"{kind} value is empty")
    if len(value) > MAX_VALUE:
        raise SignalValueError(f"{kind} value is longer than {MAX_VALUE} characters")
    if kind is SignalType.PHONE:
        phone = normalize_phone(value, region)
        if phone is None:
            raise SignalValueError(f"not a valid phone number: {value!r}")
        return phone
    if kind is SignalType.EMAIL:
        email = normalize_email(value)
        local, at, domain = email.partition("@")
        if not at or not local or "." not in domain or " " in email:
            raise SignalValueError(f"not an e-mail address: {value!r}")
        return email
    if kind is SignalType.HANDLE:
        platform, handle = _prefixed(value, "a handle")
        return normalize_handle(platform, handle)
    if kind is SignalType.PAYMENT_ID:
        service, handle = _prefixed(value, "a payment id")
        return normalize_payment(service, handle)
    if kind is SignalType.CRYPTO_ADDRESS:
        text = value.strip()
        if ":" not in text:
            found = classify(text)
            if found is None:
                raise SignalValueError(f"not a valid crypto address: {value!r}")
            text = f"{found[0]}:{text}"
        return normalize_crypto(text)
    if kind is SignalType.URL:
        url = value.strip()
        if any(c.isspace() for c in url) or "." not in url:
            raise SignalValueError(f"not a URL: {value!r}")
        return normalize_url(url)
    if kind is SignalType.PDQ:
        pdq = value.strip().lower()
        if len(pdq) != 64 or not _is_hex(pdq):
            raise SignalValueError("a PDQ hash is 64 hexadecimal digits (256 bits)")
        return pdq
    if kind is SignalType.TEXT_TEMPLATE_HASH:
        digest = value.strip().lower()
        if not 16 <= len(digest) <= 128 or not _is_hex(digest):
            raise SignalValueError("a text template hash is 16 to 128 hexadecimal digits")
        return digest
    raise SignalValueError(f"unknown signal type {kind!r}")  # pragma: no cover
