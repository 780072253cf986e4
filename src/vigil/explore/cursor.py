"""Opaque cursors for keyset pagination: the sort key of the last row, base64-encoded JSON."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import orjson

__all__ = ["BadCursor", "decode", "encode"]


class BadCursor(ValueError):
    """The cursor was not produced by this server (or is for another sort order)."""


def encode(sort: str, key: list[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([sort, *key])).decode().rstrip("=")


def decode(cursor: str, sort: str, arity: int) -> list[Any]:
    try:
        data = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        raise BadCursor("cursor is not valid: pass next_cursor from the previous page") from None
    if not isinstance(data, list) or len(data) != arity + 1 or data[0] != sort:
        raise BadCursor(f"cursor is not valid for sort={sort!r}: start again without a cursor")
    return data[1:]
