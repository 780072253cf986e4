"""The ingest input schema: field names, aliases and row validation.

A row is a mapping read from JSONL, CSV or Parquet. :func:`validate_row` turns it into
the canonical field set or raises :class:`InvalidRow` with a reason a person can act
on. Unknown fields are never dropped: they are kept under ``meta["extra"]``.
The same contract is published as a JSON Schema (``post.schema.json`` beside this
module) and documented in docs/input-format.md; tests keep the three in step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import orjson

__all__ = [
    "ALIASES",
    "FIELDS",
    "MAX_TEXT_CHARS",
    "InvalidRow",
    "ValidRow",
    "parse_timestamp",
    "validate_row",
]

MAX_TEXT_CHARS = 1_000_000
MAX_SHORT_CHARS = 4_096

#: canonical field -> accepted aliases, in priority order (the canonical name first).
ALIASES: dict[str, tuple[str, ...]] = {
    "platform": ("platform", "site", "source", "domain"),
    "source_id": ("source_id", "id", "ad_id", "post_id", "source_post_id"),
    "url": ("url", "link", "permalink"),
    "posted_at": (
        "posted_at",
        "date",
        "timestamp",
        "created_at",
        "created",
        "posted",
        "day_posted",
    ),
    "title": ("title", "subject", "headline"),
    "body": ("body", "text", "content", "description", "message", "post_text"),
    "location": ("location", "city", "location_text", "place"),
    "author": ("author", "author_handle", "username", "user", "user_name", "poster"),
    "images": ("images", "image_refs", "image_urls", "image", "image_id", "photos"),
    "language": ("language", "lang"),
    "meta": ("meta", "metadata"),
}
FIELDS: tuple[str, ...] = tuple(ALIASES)
_KNOWN = frozenset(name for names in ALIASES.values() for name in names)


class InvalidRow(ValueError):
    """A row that cannot be stored; ``str(exc)`` is the reason shown in quarantine."""


@dataclass(frozen=True, slots=True)
class ValidRow:
    platform: str
    source_id: str | None
    url: str | None
    posted_at: datetime | None
    title: str
    body: str
    location: str | None
    author: str | None
    images: tuple[str, ...]
    language: str | None
    meta: dict[str, Any]


def _pick(row: Mapping[str, Any], field: str) -> tuple[str | None, Any]:
    for name in ALIASES[field]:
        if name in row:
            value = row[name]
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            return name, value
    return None, None


def _text(row: Mapping[str, Any], field: str, *, limit: int = MAX_SHORT_CHARS) -> str | None:
    name, value = _pick(row, field)
    if name is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InvalidRow(f"{name}: expected text, got {type(value).__name__}")
    text = str(value).strip() if not isinstance(value, str) else value
    if len(text) > limit:
        raise InvalidRow(f"{name}: longer than {limit:,} characters")
    if "\x00" in text:
        raise InvalidRow(f"{name}: contains a NUL character")
    return text


def parse_timestamp(value: Any, name: str = "posted_at") -> datetime:
    """Parse ISO 8601 text, a date, or Unix seconds into an aware UTC datetime.

    Naive times are taken as UTC (documented in docs/input-format.md).
    """
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not 0 <= value < 32_503_680_000:  # year 3000
            raise InvalidRow(f"{name}: Unix time {value!r} out of range")
        dt = datetime.fromtimestamp(float(value), tz=UTC)
    elif isinstance(value, str):
        text = value.strip()
        if text.isdigit() and len(text) >= 9:
            return parse_timestamp(int(text), name)
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidRow(
                f"{name}: cannot read {text[:40]!r} as an ISO 8601 date/time or Unix time"
            ) from None
    else:
        raise InvalidRow(f"{name}: expected a date/time, got {type(value).__name__}")
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def _images(row: Mapping[str, Any]) -> tuple[str, ...]:
    name, value = _pick(row, "images")
    if name is None:
        return ()
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = orjson.loads(text)
            except orjson.JSONDecodeError:
                raise InvalidRow(f"{name}: looks like a JSON list but does not parse") from None
        else:
            sep = ";" if ";" in text else None
            return tuple(part.strip() for part in text.split(sep) if part.strip())
    if not isinstance(value, list | tuple):
        raise InvalidRow(f"{name}: expected a list of image references")
    out: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise InvalidRow(f"{name}: every image reference must be text")
        if item.strip():
            out.append(item.strip())
    return tuple(out)


def _meta(row: Mapping[str, Any]) -> dict[str, Any]:
    name, value = _pick(row, "meta")
    meta: dict[str, Any] = {}
    if name is not None:
        if isinstance(value, str):
            try:
                value = orjson.loads(value)
            except orjson.JSONDecodeError:
                raise InvalidRow(f"{name}: not valid JSON") from None
        if not isinstance(value, dict):
            raise InvalidRow(f"{name}: expected an object")
        meta = dict(value)
    extra = {k: v for k, v in row.items() if k not in _KNOWN and v is not None and v != ""}
    if extra:
        meta["extra"] = extra
    return meta


def validate_row(row: Any, *, default_platform: str | None = None) -> ValidRow:
    """Validate one input row. Raises :class:`InvalidRow` with the reason."""
    if not isinstance(row, Mapping):
        raise InvalidRow(f"expected an object with post fields, got {type(row).__name__}")
    platform = _text(row, "platform") or default_platform
    if not platform:
        raise InvalidRow("platform: missing (add a platform field or pass --platform)")
    title = _text(row, "title", limit=MAX_TEXT_CHARS) or ""
    body = _text(row, "body", limit=MAX_TEXT_CHARS) or ""
    if not title.strip() and not body.strip():
        raise InvalidRow("body: missing or empty (a post needs a title or a body)")
    posted_name, posted = _pick(row, "posted_at")
    posted_at = None if posted_name is None else parse_timestamp(posted, posted_name)
    source_id = _text(row, "source_id")
    language = _text(row, "language")
    if language is not None and len(language) > 16:
        raise InvalidRow("language: expected a short language code such as 'en'")
    return ValidRow(
        platform=platform.strip(),
        source_id=source_id.strip() if source_id else None,
        url=_text(row, "url"),
        posted_at=posted_at,
        title=title,
        body=body,
        location=_text(row, "location"),
        author=_text(row, "author"),
        images=_images(row),
        language=language.strip().lower() if language else None,
        meta=_meta(row),
    )
