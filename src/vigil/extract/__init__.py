"""Identifier extraction: phones (incl. obfuscated), e-mails, URLs, handles, payment
ids, crypto addresses, ages, prices and places.

>>> from vigil.extract import extract
>>> [i.value for i in extract("call two one two 555 O123 or sc: sweetanna")]
['+12125550123', 'snapchat:sweetanna']

Each kind is a small pluggable extractor (see :mod:`vigil.extract.base`); values are
normalised as in docs/vocabulary.md and offsets index the input string
(``text[i.start:i.end] == i.raw``). Everything runs in time linear in the text.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

# Registration order matters only for Doc.get() reuse, not for results.
from vigil.extract import (  # noqa: F401  (imported to register the extractors)
    age,
    crypto,
    email,
    handle,
    payment,
    phone,
    place,
    price,
    url,
)
from vigil.extract.base import DEFAULT_REGION, Doc, Extractor, get_extractor, register
from vigil.extract.base import registered_kinds as registered_kinds
from vigil.model import Identifier, IdentifierKind

# Bump whenever extraction output (values, offsets, confidences, attrs) changes: the
# pipeline keys cached extraction results on it.
EXTRACTOR_VERSION = "2"

__all__ = [
    "DEFAULT_REGION",
    "EXTRACTOR_VERSION",
    "Doc",
    "Extractor",
    "extract",
    "extract_doc",
    "extract_post_fields",
    "get_extractor",
    "register",
    "registered_kinds",
]


def extract(
    text: str,
    *,
    region: str | None = None,
    kinds: Collection[IdentifierKind | str] | None = None,
) -> list[Identifier]:
    """All identifiers in ``text``, sorted by (start, end, kind).

    ``region`` is the ISO 3166 default region for phone numbers written without a
    country code (default ``"US"``). ``kinds`` restricts the kinds returned (all
    registered kinds when None).
    """
    if not text:
        return []
    doc = Doc(text, region or DEFAULT_REGION)
    wanted = registered_kinds() if kinds is None else [IdentifierKind(k) for k in kinds]
    return extract_doc(doc, wanted)


def extract_doc(doc: Doc, kinds: Iterable[IdentifierKind]) -> list[Identifier]:
    """All identifiers of ``kinds`` in ``doc``, sorted and deduplicated as :func:`extract`."""
    found: list[Identifier] = []
    get = doc.get
    for kind in kinds:
        found.extend(get(kind))
    if len(found) > 1:
        found.sort(key=_order)
        return _dedupe(found)
    return found


def _order(i: Identifier) -> tuple[int, int, str]:
    # IdentifierKind is a StrEnum: it sorts as its value.
    return i.start, i.end, i.kind


def _dedupe(found: list[Identifier]) -> list[Identifier]:
    out: list[Identifier] = []
    seen: set[tuple[str, str, int, int]] = set()
    for ident in found:
        key = (ident.kind, ident.value, ident.start, ident.end)
        if key not in seen:
            seen.add(key)
            out.append(ident)
    return out


def extract_post_fields(
    title: str,
    body: str,
    *,
    region: str | None = None,
    kinds: Collection[IdentifierKind | str] | None = None,
) -> list[tuple[str, Identifier]]:
    """(field, identifier) pairs for a post's title and body; offsets are per field."""
    out: list[tuple[str, Identifier]] = []
    for field, text in (("title", title), ("body", body)):
        out.extend((field, ident) for ident in extract(text or "", region=region, kinds=kinds))
    return out
