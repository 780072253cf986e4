"""The extractor plug-in interface, the per-text context and the registry.

An extractor is a small object with a ``kind`` and an ``extract(doc)`` method. It is
registered once (at import of its module) and :func:`vigil.extract.extract` runs every
registered extractor whose kind was asked for. Extractors may read the results of
other kinds through :meth:`Doc.get` (cached per text), e.g. the phone extractor skips
digits inside URLs and e-mail addresses, and the payment extractor reads the phones
and e-mails that follow the word "zelle".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, runtime_checkable

from vigil.extract._re import Utf8
from vigil.model import Identifier, IdentifierKind

__all__ = [
    "DEFAULT_REGION",
    "Doc",
    "Extractor",
    "get_extractor",
    "register",
    "registered_kinds",
]

DEFAULT_REGION = "US"


@runtime_checkable
class Extractor(Protocol):
    """One kind of identifier. Implementations must run in time linear in the text."""

    kind: IdentifierKind

    def extract(self, doc: Doc) -> Iterable[Identifier]:
        """Yield the identifiers of this kind found in ``doc.text``."""
        ...


_REGISTRY: dict[IdentifierKind, Extractor] = {}


def register(extractor: Extractor) -> Extractor:
    """Register (or replace) the extractor for ``extractor.kind``."""
    _REGISTRY[extractor.kind] = extractor
    return extractor


def registered_kinds() -> list[IdentifierKind]:
    """Kinds with a registered extractor, in registration order."""
    return list(_REGISTRY)


def get_extractor(kind: IdentifierKind) -> Extractor:
    """The registered extractor for ``kind`` (KeyError if none)."""
    return _REGISTRY[kind]


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    # A few characters (e.g. U+0130) lower-case to two code points; keep offsets.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


class Doc:
    """One text being extracted, with lazily computed shared views and results.

    ``lower`` is ``text`` lower-cased with the same length (so offsets agree).
    ``get(kind)`` runs (once) and returns the registered extractor's results for
    another kind, so extractors can avoid or reuse each other's spans.
    """

    __slots__ = ("_cache", "_digit", "_lower", "_utf8", "region", "text")

    def __init__(self, text: str, region: str = DEFAULT_REGION) -> None:
        self.text = text
        self.region = (region or DEFAULT_REGION).upper()
        self._lower: str | None = None
        self._utf8: Utf8 | None = None
        self._digit: bool | None = None
        self._cache: dict[IdentifierKind, list[Identifier]] = {}

    @property
    def lower(self) -> str:
        if self._lower is None:
            self._lower = _lower_same_length(self.text)
        return self._lower

    @property
    def has_ascii_digit(self) -> bool:
        """True if the text has a digit 0-9 (a cheap pre-check for several kinds)."""
        if self._digit is None:
            text = self.text
            self._digit = any(d in text for d in "0123456789")
        return self._digit

    @property
    def utf8(self) -> Utf8:
        """The text encoded once for every RE2 scan (:func:`vigil.extract._re.scan`)."""
        if self._utf8 is None:
            self._utf8 = Utf8(self.text)
        return self._utf8

    def get(self, kind: IdentifierKind) -> list[Identifier]:
        """Results of the registered extractor for ``kind`` on this text (cached)."""
        found = self._cache.get(kind)
        if found is None:
            extractor = _REGISTRY.get(kind)
            found = [] if extractor is None else list(extractor.extract(self))
            self._cache[kind] = found
        return found

    def spans(self, *kinds: IdentifierKind) -> list[tuple[int, int]]:
        """Sorted (start, end) spans of the identifiers of ``kinds``."""
        out: list[tuple[int, int]] = []
        for kind in kinds:
            out.extend((i.start, i.end) for i in self.get(kind))
        out.sort()
        return out


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """True if [start, end) overlaps any of the (few) ``spans``."""
    return any(s < end and start < e for s, e in spans)


ExtractFn = Callable[[Doc], Iterable[Identifier]]


class FunctionExtractor:
    """Adapts a plain function to the :class:`Extractor` protocol."""

    __slots__ = ("_fn", "kind")

    def __init__(self, kind: IdentifierKind, fn: ExtractFn) -> None:
        self.kind = kind
        self._fn = fn

    def extract(self, doc: Doc) -> Iterable[Identifier]:
        return self._fn(doc)
