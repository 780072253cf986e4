"""Password hashing with argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

__all__ = ["MIN_PASSWORD_LENGTH", "WeakPassword", "check_strength", "hash_password", "verify"]

MIN_PASSWORD_LENGTH = 12
_HASHER = PasswordHasher()
#: verified against when the user does not exist, so timing does not reveal usernames.
_DUMMY = _HASHER.hash("vigil-dummy-password-for-timing")


class WeakPassword(ValueError):
    """The password does not meet the minimum policy."""


def check_strength(password: str, username: str = "") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"password must be at least {MIN_PASSWORD_LENGTH} characters long")
    if username and username.lower() in password.lower():
        raise WeakPassword("password must not contain the user name")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; a missing hash still costs one verification."""
    try:
        return _HASHER.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _HASHER.check_needs_rehash(password_hash)
