"""The text that near-duplicate linking sees: identifiers and digits masked out.

As in InfoShield-Coarse, everything that identifies a contact is removed before
shingling, so text linking and identifier linking are independent signals:

1. every identifier span found by extraction (``identifiers.parquet`` ``field``,
   ``start``, ``end``; any kind, so urls, prices and ages go too) is blanked;
2. the text is lower-cased (title and body joined by a newline);
3. every run of characters that are not letters (digits, punctuation, emoji,
   symbols) becomes a space, so numbers and obfuscated contacts cannot link;
4. the result is split on whitespace into word tokens.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["NON_LETTERS", "Span", "blank_spans", "masked_text", "spans_by_post", "tokenise"]

#: RE2 pattern of what is replaced by a space before tokenising.
NON_LETTERS = r"[^\p{L}]+"

Span = tuple[str, int, int]  # (field, start, end)
K = TypeVar("K", bound=Hashable)


def spans_by_post(identifiers: pa.Table) -> dict[str, list[Span]]:
    """Identifier spans per post id, from an ``IDENTIFIERS_SCHEMA`` table."""
    out: dict[str, list[Span]] = defaultdict(list)
    cols = [identifiers.column(c).to_pylist() for c in ("post_id", "field", "start", "end")]
    for pid, fld, start, end in zip(*cols, strict=True):
        out[pid].append((fld, int(start), int(end)))
    return out


def blank_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with each ``[start, end)`` span replaced by one space."""
    parts: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if start < pos or start > len(text):
            continue
        parts.append(text[pos:start])
        parts.append(" ")
        pos = max(pos, min(end, len(text)))
    parts.append(text[pos:])
    return "".join(parts)


def masked_text(
    ids: Sequence[K],
    titles: Sequence[str | None],
    bodies: Sequence[str | None],
    spans: Mapping[K, list[Span]],
) -> pa.Array:
    """Masked, lower-cased, letters-only text per post (one string per post).

    ``spans`` maps a post key (``ids``: post ids or node numbers) to its spans.
    """
    joined: list[str] = []
    for pid, title, body in zip(ids, titles, bodies, strict=True):
        t, b = title or "", body or ""
        found = spans.get(pid)
        if found:
            t = blank_spans(t, [(s, e) for f, s, e in found if f == "title"])
            b = blank_spans(b, [(s, e) for f, s, e in found if f == "body"])
        joined.append(f"{t}\n{b}")
    arr = pc.utf8_lower(pa.array(joined, pa.string()))
    return pc.utf8_trim_whitespace(pc.replace_substring_regex(arr, NON_LETTERS, " "))


def tokenise(texts: pa.Array) -> pa.ListArray:
    """Split masked texts on whitespace (vectorised in Arrow)."""
    result = pc.utf8_split_whitespace(texts)
    assert isinstance(result, pa.ListArray)
    return result
