"""CSRF tokens: a signed double-submit cookie.

Every browser gets a random ``vigil_csrf`` cookie (HttpOnly, SameSite=Strict). The token
put in forms (and sent by HTMX as ``X-CSRF-Token``) is HMAC-SHA256(server key, cookie), so
a page on another origin can neither read nor forge it. It works before login too (the
login form, the anonymous tip form).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

__all__ = ["new_cookie", "token_for", "valid"]


def new_cookie() -> str:
    return secrets.token_urlsafe(24)


def token_for(key: bytes, cookie: str) -> str:
    return hmac.new(key, b"csrf:" + cookie.encode(), hashlib.sha256).hexdigest()


def valid(key: bytes, cookie: str | None, token: str | None) -> bool:
    if not cookie or not token or len(token) != 64:
        return False
    return hmac.compare_digest(token_for(key, cookie), token)
