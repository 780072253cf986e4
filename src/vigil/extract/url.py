"""URLs and bare domains.

``https://Example.org/Ads/12`` -> ``https://example.org/Ads/12``; scheme-less links
(``www.example.org``, ``example.org/x``, ``t.me/anna``) get ``https://``. Bare domains
need a known top-level domain (``vigil.extract.tables.TLDS``) so "i.e." and
"anna.b" are not links. Trailing sentence punctuation and unbalanced brackets are
trimmed. Links that are the domain part of an e-mail address are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator

from vigil.extract._re import compile_re2, scan
from vigil.extract.base import Doc, FunctionExtractor, inside, register
from vigil.extract.tables import TLDS
from vigil.model import Identifier, IdentifierKind

__all__ = ["extract_urls", "normalize_url"]

_TLD_ALT = "|".join(sorted(TLDS, key=len, reverse=True))
_URL = compile_re2(
    r"(?i)(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"'`{}|\\^]+"
    r"|\b(?:[a-z0-9][a-z0-9\-]{0,62}\.)+(?:" + _TLD_ALT + r")\b(?:[/?#][^\s<>\"'`{}|\\^]*)?"
)
_TRAIL = ".,;:!?'\"*"
_PAIRS = {")": "(", "]": "[", "}": "{"}


def _trim(raw: str) -> str:
    while raw:
        last = raw[-1]
        if last in _TRAIL or (last in _PAIRS and raw.count(last) > raw.count(_PAIRS[last])):
            raw = raw[:-1]
        else:
            break
    return raw


def normalize_url(raw: str) -> str:
    """Lower-case scheme and host, add ``https://`` when missing (idempotent)."""
    scheme, sep, rest = raw.partition("://")
    if not sep:
        scheme, rest = "https", raw
    cut = len(rest)
    for ch in "/?#":
        k = rest.find(ch)
        if 0 <= k < cut:
            cut = k
    return f"{scheme.lower()}://{rest[:cut].lower()}{rest[cut:]}"


def extract_urls(doc: Doc) -> Iterator[Identifier]:
    """Links in ``doc``; not the domain of an e-mail address."""
    text = doc.text
    if "." not in text:
        return
    emails: list[tuple[int, int]] | None = None
    for sp in scan(_URL, doc.utf8):
        start, end = sp[0]
        raw = _trim(text[start:end])
        if not raw or "." not in raw:
            continue
        if start > 0 and text[start - 1] in "@.-_":
            continue
        if emails is None:
            emails = doc.spans(IdentifierKind.EMAIL)
        if emails and inside(emails, start, start + len(raw)):
            continue
        has_scheme = "://" in raw[:8]
        yield Identifier(
            kind=IdentifierKind.URL,
            value=normalize_url(raw),
            raw=raw,
            start=start,
            end=start + len(raw),
            confidence=0.95 if has_scheme or raw[:4].lower() == "www." else 0.8,
        )


register(FunctionExtractor(IdentifierKind.URL, extract_urls))
