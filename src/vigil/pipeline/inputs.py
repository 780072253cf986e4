"""Rebuild per-post inputs (text, identifiers, metadata) from lake tables."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import pyarrow as pa

from vigil.model import Identifier, IdentifierKind

__all__ = ["PostInput", "iter_post_inputs", "post_inputs", "post_text"]


@dataclass(frozen=True, slots=True)
class PostInput:
    """What scoring reads for one post: its text, identifiers (offsets into ``text``), meta."""

    id: str
    text: str
    identifiers: tuple[Identifier, ...]
    meta: dict[str, Any]
    language: str | None


_KINDS = {k.value: k for k in IdentifierKind}


def post_text(title: str, body: str) -> tuple[str, int]:
    """The text scoring reads (as ``Post.text``) and the offset of the body in it."""
    if title and body:
        return f"{title}\n\n{body}", len(title) + 2
    return (title or body), (0 if not title else len(title) + 2)


def _posts_columns(posts: pa.Table) -> Iterator[tuple[str, str, str, str | None, str | None]]:
    ids = posts.column("id").to_pylist()
    titles = posts.column("title_text").to_pylist()
    bodies = posts.column("body_text").to_pylist()
    names = posts.column_names
    metas = posts.column("meta_json").to_pylist() if "meta_json" in names else [None] * len(ids)
    langs = posts.column("language").to_pylist() if "language" in names else [None] * len(ids)
    return zip(ids, titles, bodies, metas, langs, strict=True)


def _meta(meta_json: str | None) -> dict[str, Any]:
    meta = orjson.loads(meta_json) if meta_json else {}
    return meta if isinstance(meta, dict) else {}


def post_inputs(
    posts: pa.Table, found: Sequence[Sequence[tuple[str, Sequence[Identifier]]]]
) -> Iterator[PostInput]:
    """:func:`iter_post_inputs` from identifiers still in memory.

    ``found[i]`` holds the ``(field, identifiers)`` of row ``i`` of ``posts``, offsets
    per field (as :func:`vigil.extract.stage.extract_posts` keeps them); the result
    is the same as writing them to the lake and reading them back.
    """
    for (pid, title, body, meta_json, lang), fields in zip(
        _posts_columns(posts), found, strict=True
    ):
        text, body_at = post_text(title or "", body or "")
        idents: list[Identifier] = []
        for field, items in fields:
            if field != "body" or not body_at:
                idents.extend(items)
                continue
            at = body_at
            idents.extend(
                Identifier(i.kind, i.value, i.raw, i.start + at, i.end + at, i.confidence, i.attrs)
                for i in items
            )
        yield PostInput(pid, text, tuple(idents), _meta(meta_json), lang)


def iter_post_inputs(posts: pa.Table, identifiers: pa.Table) -> Iterator[PostInput]:
    """Join a posts part with its identifiers part, one :class:`PostInput` per post.

    Identifier offsets are per field in the lake; here they are moved into the joined
    text so highlighted spans line up with what the reviewer reads.
    """
    # Column lists, not row dicts: to_pylist() of the whole table was a tenth of scoring.
    by_post: dict[str, list[tuple[Any, ...]]] = {}
    columns = [
        identifiers.column(name).to_pylist()
        for name in ("post_id", "field", "kind", "value", "raw", "start", "end", "confidence")
    ]
    attrs = identifiers.column("attrs_json").to_pylist()
    for pid_, field, kind, value, raw, start, end, confidence, attrs_json in zip(
        *columns, attrs, strict=True
    ):
        by_post.setdefault(pid_, []).append(
            (field, kind, value, raw, start, end, confidence, attrs_json)
        )
    for pid, title, body, meta_json, lang in _posts_columns(posts):
        text, body_at = post_text(title or "", body or "")
        idents = []
        for field, kind, value, raw, start, end, confidence, attrs_json in by_post.get(pid, ()):
            shift = body_at if field == "body" else 0
            idents.append(
                Identifier(
                    kind=_KINDS[kind],
                    value=value,
                    raw=raw,
                    start=start + shift,
                    end=end + shift,
                    confidence=confidence,
                    attrs=orjson.loads(attrs_json) if attrs_json != "{}" else {},
                )
            )
        yield PostInput(pid, text, tuple(idents), _meta(meta_json), lang)
