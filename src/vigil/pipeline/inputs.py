"""Rebuild per-post inputs (text, identifiers, metadata) from lake tables."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson
import pyarrow as pa

from vigil.model import Identifier, IdentifierKind

__all__ = ["PostInput", "iter_post_inputs", "post_text"]


@dataclass(frozen=True, slots=True)
class PostInput:
    """What scoring reads for one post: its text, identifiers (offsets into ``text``), meta."""

    id: str
    text: str
    identifiers: tuple[Identifier, ...]
    meta: dict[str, Any]
    language: str | None


def post_text(title: str, body: str) -> tuple[str, int]:
    """The text scoring reads (as ``Post.text``) and the offset of the body in it."""
    if title and body:
        return f"{title}\n\n{body}", len(title) + 2
    return (title or body), (0 if not title else len(title) + 2)


def iter_post_inputs(posts: pa.Table, identifiers: pa.Table) -> Iterator[PostInput]:
    """Join a posts part with its identifiers part, one :class:`PostInput` per post.

    Identifier offsets are per field in the lake; here they are moved into the joined
    text so highlighted spans line up with what the reviewer reads.
    """
    by_post: dict[str, list[dict[str, Any]]] = {}
    for row in identifiers.to_pylist():
        by_post.setdefault(row["post_id"], []).append(row)
    has_meta = "meta_json" in posts.column_names
    has_lang = "language" in posts.column_names
    ids = posts.column("id").to_pylist()
    titles = posts.column("title_text").to_pylist()
    bodies = posts.column("body_text").to_pylist()
    metas = posts.column("meta_json").to_pylist() if has_meta else [None] * len(ids)
    langs = posts.column("language").to_pylist() if has_lang else [None] * len(ids)
    for pid, title, body, meta_json, lang in zip(ids, titles, bodies, metas, langs, strict=True):
        text, body_at = post_text(title or "", body or "")
        idents = []
        for row in by_post.get(pid, ()):
            shift = body_at if row["field"] == "body" else 0
            idents.append(
                Identifier(
                    kind=IdentifierKind(row["kind"]),
                    value=row["value"],
                    raw=row["raw"],
                    start=row["start"] + shift,
                    end=row["end"] + shift,
                    confidence=row["confidence"],
                    attrs=orjson.loads(row["attrs_json"]) if row["attrs_json"] != "{}" else {},
                )
            )
        meta = orjson.loads(meta_json) if meta_json else {}
        yield PostInput(pid, text, tuple(idents), meta if isinstance(meta, dict) else {}, lang)
